module example.com/hello

go 1.19

require (
	example.com/color v0.1.0
	example.com/greet v1.2.3
	example.com/local v0.0.0-00010101000000-000000000000
)

replace example.com/color v0.1.0 => example.com/colorfork v0.3.0

replace example.com/local => ./local
