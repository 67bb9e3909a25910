// rootload's Go client: crypto/tls with the certificate chosen the way Go's default does
// (Config.Certificates: the first certificate whose SupportsCertificate accepts the server's
// CertificateRequest, i.e. whose issuer is among AcceptableCAs). One process serves many
// handshakes, fed over a control connection; built with CGO_ENABLED=0 from the standard library.
//
// Protocol (tab-separated lines on a TCP control connection to 127.0.0.1:<port>):
//
//	request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs [starttls|- [http|none]]
//	answer:   id ok|fail ms alias issuers detail
//
// alias is "client" when a certificate was sent and "null" when none was; issuers is the number
// of names in AcceptableCAs (-1: no CertificateRequest was seen). The last field is the
// application step after the handshake (harness/model/application.ts): "http" sends a GET (a web
// server answers it), "none" sends nothing and only listens for the server's verdict (a raw TLS
// server, or one whose protocol the request would break); absent: "http".
package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

var request = []byte("GET / HTTP/1.0\r\nHost: rootload\r\n\r\n")

var (
	identities   = map[string]tls.Certificate{}
	identitiesMu sync.Mutex
)

func identity(cert, key string) (*tls.Certificate, error) {
	if cert == "-" {
		return nil, nil
	}
	identitiesMu.Lock()
	defer identitiesMu.Unlock()
	k := cert + "|" + key
	if c, ok := identities[k]; ok {
		return &c, nil
	}
	c, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, err
	}
	identities[k] = c
	return &c, nil
}

func clean(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

func handshake(f []string) string {
	if len(f) < 8 {
		return fmt.Sprintf("%s\tfail\t0\tnull\t-1\trootload: bad request line", f[0])
	}
	id, host, port := f[0], f[1], f[2]
	timeoutMs, _ := strconv.Atoi(f[6])
	verdictMs, _ := strconv.Atoi(f[7])
	version := uint16(tls.VersionTLS12)
	if f[3] == "1.3" {
		version = tls.VersionTLS13
	}
	held, err := identity(f[4], f[5])
	if err != nil {
		return fmt.Sprintf("%s\tfail\t0\tnull\t-1\trootload: cannot load the identity: %s", id, clean(err.Error()))
	}
	alias, issuers := "null", -1
	cfg := &tls.Config{
		// The harness tests the server's CA list, not its certificate.
		InsecureSkipVerify: true,
		MinVersion:         version,
		MaxVersion:         version,
		// No session cache: every handshake is full (a resumed TLS 1.3 handshake carries no
		// CertificateRequest).
		ClientSessionCache: nil,
		// Go's own selection, made visible: exactly the loop crypto/tls runs over
		// Config.Certificates (SupportsCertificate checks the issuer against AcceptableCAs).
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			issuers = len(cri.AcceptableCAs)
			if held != nil && cri.SupportsCertificate(held) == nil {
				alias = "client"
				return held, nil
			}
			return new(tls.Certificate), nil
		},
	}
	t0 := time.Now()
	ms := func() float64 { return float64(time.Since(t0).Microseconds()) / 1000 }
	fail := func(at float64, e error) string {
		return fmt.Sprintf("%s\tfail\t%.3f\t%s\t%d\t%s", id, at, alias, issuers, clean(describe(e)))
	}
	raw, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), time.Duration(timeoutMs)*time.Millisecond)
	if err != nil {
		return fail(ms(), err)
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(time.Duration(timeoutMs) * time.Millisecond))
	conn := tls.Client(raw, cfg)
	if err := conn.Handshake(); err != nil {
		return fail(ms(), err)
	}
	done := ms()
	// TLS 1.3: the server judges the certificate after our Finished; ask for a byte to hear it.
	conn.SetDeadline(time.Now().Add(time.Duration(verdictMs) * time.Millisecond))
	if len(f) < 10 || f[9] == "http" {
		if _, err := conn.Write(request); err != nil {
			return fail(done, err)
		}
	}
	one := make([]byte, 1)
	if _, err := conn.Read(one); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			// No alert within the verdict window: accepted.
		} else if errors.Is(err, os.ErrDeadlineExceeded) {
		} else if err.Error() == "EOF" {
			return fmt.Sprintf("%s\tfail\t%.3f\t%s\t%d\trootload: closed by the server after the handshake, without an alert", id, done, alias, issuers)
		} else {
			return fail(done, err)
		}
	}
	return fmt.Sprintf("%s\tok\t%.3f\t%s\t%d\t", id, done, alias, issuers)
}

func describe(e error) string {
	return fmt.Sprintf("%T: %s", e, e.Error())
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rootload-go-client CONTROL_PORT")
		os.Exit(2)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("rootload-go-client ready on %s (%s)\n", os.Args[1], runtime.Version())
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(1)
		}
		in := bufio.NewScanner(c)
		in.Buffer(make([]byte, 64*1024), 1024*1024)
		for in.Scan() {
			line := in.Text()
			if line == "quit" {
				c.Close()
				os.Exit(0)
			}
			fmt.Fprintln(c, handshake(strings.Split(line, "\t")))
		}
		c.Close()
	}
}
