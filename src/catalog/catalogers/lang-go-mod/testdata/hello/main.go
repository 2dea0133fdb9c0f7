package main

import (
	"example.com/color"
	"example.com/greet"
	"example.com/local"
)

func main() { println(greet.Hello(), color.Name(), local.Where()) }
