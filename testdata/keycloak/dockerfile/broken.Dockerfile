# syntax=docker/dockerfile:1
ARG KEYCLOAK_VERSION=26.0.5

FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION} AS builder
ENV KC_DB=postgres
RUN /opt/keycloak/bin/kc.sh build

FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}
COPY --from=builder /opt/keycloak/ /opt/keycloak/
# Behind a load balancer that terminates TLS.
ENV KC_PROXY=edge \
    KC_HOSTNAME=https://auth.example.com
ENV KEYCLOAK_ADMIN=admin
# Set only in this stage: the build above never saw them.
ENV KC_HEALTH_ENABLED=true
ENV KC_FEATURES=token-exchange
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized"]
