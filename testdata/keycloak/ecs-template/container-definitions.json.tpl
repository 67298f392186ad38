[
  {
    "name": "keycloak",
    "image": "quay.io/keycloak/keycloak:${keycloak_version}",
    "essential": true,
    "command": ["start", "--optimized"],
    "portMappings": [{ "containerPort": ${port}, "protocol": "tcp" }],
    "environment": [
      %{ if debug }{ "name": "KC_LOG_LEVEL", "value": "debug" },%{ endif }
      { "name": "KC_PROXY", "value": "edge" },
      { "name": "KC_HOSTNAME", "value": "${hostname}" },
      { "name": "KC_DB_PASSWORD", "value": "change-me" }
    ],
    "secrets": [
      { "name": "KC_BOOTSTRAP_ADMIN_PASSWORD", "valueFrom": "${admin_password_arn}" }
    ]
  }
]
