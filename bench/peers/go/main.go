// go-qemu's entry in bench/peers/run: DigitalOcean's go-qemu (qmp.SocketMonitor), from Debian's
// golang-github-digitalocean-go-qemu-dev. Prints one JSON line per measurement.
//
//	qmpbench-go seq ADDR SECONDS          sequential Run("query-status"), round trips/s
//	qmpbench-go pipe ADDR SECONDS WINDOW  skipped: SocketMonitor runs one command at a time
//	qmpbench-go events ADDR COUNT         COUNT events from Events(), events/s
//	qmpbench-go qom-get ADDR PATH.PROP    one-shot: prints the property's value
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

const impl = "go-qemu"

var units = map[string]string{"seq": "round trips/s", "pipe": "commands/s", "events": "events/s"}

func emit(c string, value float64) {
	fmt.Printf("{\"impl\":%q,\"case\":%q,\"value\":%.1f,\"unit\":%q}\n", impl, c, value, units[c])
}

func skip(c, why string) {
	b, _ := json.Marshal(map[string]string{"impl": impl, "case": c, "skipped": why})
	fmt.Println(string(b))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "qmpbench-go:", err)
	os.Exit(3)
}

func connect(addr string) *qmp.SocketMonitor {
	mon, err := qmp.NewSocketMonitor("unix", addr, 10*time.Second)
	if err != nil {
		fail(err)
	}
	if err := mon.Connect(); err != nil {
		fail(err)
	}
	return mon
}

func seq(addr string, seconds float64) float64 {
	mon := connect(addr)
	defer mon.Disconnect()
	cmd, _ := json.Marshal(qmp.Command{Execute: "query-status"})
	var rate float64
	for _, span := range []float64{seconds / 4, seconds} { // warm-up, not counted; then the measurement
		done := 0
		start := time.Now()
		elapsed := time.Duration(0)
		for elapsed.Seconds() < span {
			if _, err := mon.Run(cmd); err != nil {
				fail(err)
			}
			done++
			elapsed = time.Since(start)
		}
		rate = float64(done) / elapsed.Seconds()
	}
	return rate
}

func events(addr string, count int) float64 {
	mon := connect(addr)
	ch, err := mon.Events(context.Background())
	if err != nil {
		fail(err)
	}
	first, ok := <-ch
	if !ok {
		fail(fmt.Errorf("connection closed"))
	}
	check := first.Data["offset"].(float64)
	start := time.Now()
	for i := 1; i < count; i++ {
		e, ok := <-ch
		if !ok {
			fail(fmt.Errorf("connection closed after %d events", i))
		}
		check += e.Data["offset"].(float64)
	}
	elapsed := time.Since(start)
	if check != float64(count)*4096 {
		fmt.Fprintln(os.Stderr, "qmpbench-go: unexpected event data")
	}
	// Disconnect drains the stream channel, which the reader only closes at EOF: just exit.
	return float64(count-1) / elapsed.Seconds()
}

func qomGet(addr, pathProp string) {
	i := strings.LastIndex(pathProp, ".")
	if i < 0 {
		fmt.Fprintln(os.Stderr, "qmpbench-go: qom-get wants PATH.PROPERTY")
		os.Exit(2)
	}
	mon := connect(addr)
	cmd, _ := json.Marshal(qmp.Command{Execute: "qom-get",
		Args: map[string]string{"path": pathProp[:i], "property": pathProp[i+1:]}})
	raw, err := mon.Run(cmd)
	if err != nil {
		fail(err)
	}
	var reply struct {
		Return json.RawMessage `json:"return"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		fail(err)
	}
	var s string
	if json.Unmarshal(reply.Return, &s) == nil {
		fmt.Println(s)
	} else {
		fmt.Println(string(reply.Return))
	}
}

func main() {
	a := os.Args
	if len(a) < 4 {
		fmt.Fprintln(os.Stderr, "usage: qmpbench-go seq ADDR SECONDS | pipe ADDR SECONDS WINDOW | events ADDR COUNT | qom-get ADDR PATH.PROP")
		os.Exit(2)
	}
	switch a[1] {
	case "seq":
		s, _ := strconv.ParseFloat(a[3], 64)
		emit("seq", seq(a[2], s))
	case "pipe":
		skip("pipe", "go-qemu's SocketMonitor.Run holds a mutex until its reply arrives: one command in flight at a time")
	case "events":
		n, _ := strconv.Atoi(a[3])
		emit("events", events(a[2], n))
	case "qom-get":
		qomGet(a[2], a[3])
	default:
		fmt.Fprintln(os.Stderr, "qmpbench-go: unknown mode", a[1])
		os.Exit(2)
	}
}
