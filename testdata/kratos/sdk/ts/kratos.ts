import { Configuration, SelfServiceSettingsFlow, V0alpha2Api } from "@ory/kratos-client"

// getJsonSchema is documented in the v0.10 guide
const kratos = new V0alpha2Api(new Configuration({ basePath: "/kratos" }))

export async function schema(id: string) {
  const { data } = await kratos.getJsonSchema(id)
  return data
}

export async function login() {
  return kratos.initializeSelfServiceLoginFlowForBrowsers("/welcome")
}

export const label = "kratos.getJsonSchema(id)"

export type Settings = SelfServiceSettingsFlow
