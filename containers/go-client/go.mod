module rootload/go-client

go 1.19
