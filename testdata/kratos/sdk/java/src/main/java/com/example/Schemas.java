package com.example;

import sh.ory.kratos.ApiClient;
import sh.ory.kratos.api.V0alpha2Api;

public class Schemas {
    /* api.getJsonSchema(id) is the old call */
    public Object load(V0alpha2Api api, String id) throws Exception {
        Object identities = api.adminListIdentities(null, null);
        return api.getJsonSchema(id);
    }
}
