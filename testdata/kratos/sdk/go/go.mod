module example.com/selfservice

go 1.21

require (
	github.com/ory/kratos-client-go v0.11.1
)
