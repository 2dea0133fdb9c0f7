// golang.org/x/mod/semver (Debian's golang-golang-x-mod-dev) on the candidates.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	valid, _ := os.Create(os.Args[1] + "/go-valid.tsv")
	defer valid.Close()
	vs := bufio.NewScanner(mustOpen(os.Args[2]))
	for vs.Scan() {
		v := vs.Text()
		c := semver.Canonical(v)
		if c == "" {
			c = "-"
		}
		fmt.Fprintf(valid, "%s\t%v\t%s\n", v, map[bool]int{true: 1, false: 0}[semver.IsValid(v)], c)
	}
	cmp, _ := os.Create(os.Args[1] + "/go-compare.tsv")
	defer cmp.Close()
	ps := bufio.NewScanner(mustOpen(os.Args[3]))
	for ps.Scan() {
		p := strings.SplitN(ps.Text(), "\t", 2)
		fmt.Fprintf(cmp, "%s\t%s\t%d\n", p[0], p[1], semver.Compare(p[0], p[1]))
	}
}

func mustOpen(name string) *os.File {
	f, err := os.Open(name)
	if err != nil {
		panic(err)
	}
	return f
}
