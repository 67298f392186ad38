[
  {
    "name": "keycloak",
    "image": "quay.io/keycloak/keycloak:${keycloak_version}",
    "essential": true,
    "command": ["start", "--optimized"],
    "portMappings": [{ "containerPort": ${port}, "protocol": "tcp" }],
    "environment": [
      %{ if debug }{ "name": "KC_LOG_LEVEL", "value": "debug" },%{ endif }
      { "name": "KC_PROXY_HEADERS", "value": "xforwarded" },
      { "name": "KC_HTTP_ENABLED", "value": "true" },
      { "name": "KC_HOSTNAME", "value": "${hostname}" }
    ],
    "secrets": [
      { "name": "KC_DB_PASSWORD", "valueFrom": "${db_password_arn}" },
      { "name": "KC_BOOTSTRAP_ADMIN_PASSWORD", "valueFrom": "${admin_password_arn}" }
    ]
  }
]
