package local

func Where() string { return "here" }
