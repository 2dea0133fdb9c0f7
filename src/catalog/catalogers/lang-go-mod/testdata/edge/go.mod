// A go.mod exercising the grammar: blocks, one-line forms, quoting, comments.
module "example.com/edge"

go 1.21

require golang.org/x/text v0.14.0 // indirect

require (
	github.com/google/uuid v1.6.0
	"gopkg.in/yaml.v3" v3.0.1 // indirect; pulled in by tests
	github.com/old/thing v1.0.0
	github.com/pinned/lib v0.9.0
)

exclude github.com/old/thing v0.5.0

exclude (
	golang.org/x/text v0.3.0
)

replace github.com/pinned/lib => github.com/fork/lib v0.9.1

replace (
	github.com/old/thing v1.0.0 => ../thing // work in progress
)

retract v0.1.0
