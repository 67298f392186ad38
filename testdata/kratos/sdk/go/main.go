package main

import (
	"context"
	"fmt"

	client "github.com/ory/kratos-client-go"
)

// loadSchema calls V0alpha2Api.GetJsonSchema; this comment must stay as written.
func loadSchema(ctx context.Context, c *client.APIClient) error {
	schema, _, err := c.V0alpha2Api.GetJsonSchema(ctx, "default").Execute()
	if err != nil {
		return fmt.Errorf("V0alpha2Api.GetJsonSchema failed: %w", err)
	}
	fmt.Println(schema)
	flow, _, err := c.V0alpha2Api.InitializeSelfServiceLoginFlowForBrowsers(ctx).Execute()
	fmt.Println(flow, err)
	session, _, err := c.V0alpha2Api.ToSession(ctx).XSessionToken("token").Execute()
	fmt.Println(session, err)
	ids, _, err := c.V0alpha2Api.AdminListIdentities(ctx).Execute()
	fmt.Println(ids, err)
	body := client.AdminCreateIdentityBody{SchemaId: "default"}
	created, _, err := c.V0alpha2Api.AdminCreateIdentity(ctx).AdminCreateIdentityBody(body).Execute()
	fmt.Println(created, err)
	return nil
}

func main() {
	cfg := client.NewConfiguration()
	_ = loadSchema(context.Background(), client.NewAPIClient(cfg))
}
