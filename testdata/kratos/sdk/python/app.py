import ory_kratos_client
from ory_kratos_client.api import v0alpha2_api

# api.get_json_schema("default") was the v0.10 call
with ory_kratos_client.ApiClient(ory_kratos_client.Configuration(host="http://kratos:4433")) as client:
    api = v0alpha2_api.V0alpha2Api(client)
    schema = api.get_json_schema("default")
    flow = api.initialize_self_service_registration_flow_without_browser()
    print("api.get_json_schema", schema, flow)
