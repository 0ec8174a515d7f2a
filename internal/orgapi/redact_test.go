package orgapi

import (
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A secret the redactor has never been told about, so that only the rules by name and shape can
// catch it.
const planted = "Pl4nted-S3cret.Value_42"

// TestRedactorRecognisesSecretsByContent feeds bodies and texts of every form the org and the
// client produce, each carrying planted under a name that says it is secret, and checks that the
// value goes, the marker takes its place, and what a reader needs (keys, ids, flags) stays.
func TestRedactorRecognisesSecretsByContent(t *testing.T) {
	tests := map[string]struct {
		in   string
		keep []string
	}{
		"ECA credentials answer": {
			in:   `{"id":"0xC000000000001","key":"3MVG9AcmeKey","secret":"` + planted + `"}`,
			keep: []string{`"id":"0xC000000000001"`, `"key":"3MVG9AcmeKey"`, `"secret":"[REDACTED]"`},
		},
		"staged credentials, pretty-printed": {
			in:   "{\n  \"id\": \"0xS01\",\n  \"key\": \"StagedKey\",\n  \"secret\": \"" + planted + "\"\n}",
			keep: []string{`"key":"StagedKey"`},
		},
		"token answer": {
			in:   `{"access_token":"` + planted + `","refresh_token":"` + planted + `x","id_token":"` + planted + `y","token_type":"Bearer","signature":"` + planted + `z","instance_url":"https://acme.my.salesforce.com"}`,
			keep: []string{`"token_type":"Bearer"`, `"instance_url":"https://acme.my.salesforce.com"`},
		},
		"OauthToken rows with delete tokens": {
			in:   `{"totalSize":1,"done":true,"records":[{"Id":"0CR1","DeleteToken":"` + planted + `","AppName":"Workbench","UseCount":3}]}`,
			keep: []string{`"AppName":"Workbench"`, `"UseCount":3`, `"done":true`},
		},
		"a secret object nested under a secret name": {
			in:   `{"credentials":{"current":{"value":"` + planted + `"},"list":["` + planted + `"]}}`,
			keep: []string{`"current":{"value":"[REDACTED]"}`},
		},
		"a flag named like a secret stays": {
			in:   `{"isSecretRequiredForRefreshToken":true,"clientSecret":"` + planted + `","refreshTokenPolicy":"infinite"}`,
			keep: []string{`"isSecretRequiredForRefreshToken":true`, `"refreshTokenPolicy":"infinite"`},
		},
		"JSON escaped inside a JSON message": {
			in:   `[{"errorCode":"INVALID_INPUT","message":"bad payload {\"consumerSecret\":\"` + planted + `\"}"}]`,
			keep: []string{`"errorCode":"INVALID_INPUT"`, `bad payload`},
		},
		"HTML characters are not escaped": {
			in:   `{"message":"a <b> & c","password":"` + planted + `"}`,
			keep: []string{`"message":"a <b> & c"`},
		},
		"SOAP session header and connected app metadata": {
			in: `<soapenv:Envelope><soapenv:Header><met:SessionHeader><met:sessionId>` + planted + `</met:sessionId></met:SessionHeader></soapenv:Header>` +
				`<soapenv:Body><records xsi:type="ConnectedApp"><oauthConfig><consumerKey>PortalKey01</consumerKey><consumerSecret>` + planted +
				`</consumerSecret><isSecretRequiredForRefreshToken>false</isSecretRequiredForRefreshToken></oauthConfig></records></soapenv:Body></soapenv:Envelope>`,
			keep: []string{`<consumerKey>PortalKey01</consumerKey>`, `<isSecretRequiredForRefreshToken>false</isSecretRequiredForRefreshToken>`, `<met:sessionId>[REDACTED]</met:sessionId>`},
		},
		"XML with CDATA and attributes": {
			in:   `<password type="x"><![CDATA[` + planted + `]]></password>`,
			keep: []string{`<password type="x">[REDACTED]</password>`},
		},
		"XML escaped inside JSON": {
			in:   `{"message":"readMetadata said &lt;privateKey&gt;` + planted + `&lt;/privateKey&gt;"}`,
			keep: []string{`&lt;privateKey&gt;[REDACTED]&lt;/privateKey&gt;`},
		},
		"form body": {
			in:   `grant_type=client_credentials&client_id=AcmeKey&client_secret=` + planted + `&password=` + planted + `&assertion=` + planted + `&refresh_token=` + planted + `&token=` + planted,
			keep: []string{`grant_type=client_credentials`, `client_id=AcmeKey`},
		},
		"query string in an error": {
			in:   `Post "https://acme.test/services/oauth2/revoke?token=` + planted + `&x=1": connection refused`,
			keep: []string{`x=1`, `connection refused`},
		},
		"header lines": {
			in:   "Authorization: Bearer " + planted + "\r\nCookie: sid=" + planted + "\r\nX-Api-Key: " + planted,
			keep: []string{"Authorization: "},
		},
		"a JSON body cut off inside the secret": {
			in: `{"id":"0xC01","secret":"` + planted,
		},
		"a secret with spaces and quotes": {
			in: `{"password":"` + strings.ReplaceAll(planted, "_", ` \" `) + `"}`,
		},
		"a PEM private key": {
			in: "key: -----BEGIN PRIVATE KEY-----\n" + planted + "\n-----END PRIVATE KEY-----",
		},
		"a JWT assertion in prose": {
			in: "the org refused eyJhbGciOiJSUzI1NiJ9." + planted + ".c2ln as expired",
		},
		"a Salesforce session id in prose": {
			in: "session 00D5g0000000001EAA!" + planted + " ended",
		},
	}
	r := &redactor{}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := r.scrub(tt.in)
			for _, part := range strings.FieldsFunc(planted, func(c rune) bool { return c == '_' || c == '.' }) {
				if strings.Contains(got, part) {
					t.Errorf("scrub(%q) = %q still holds %q", tt.in, got, part)
				}
			}
			if !strings.Contains(got, redactedValue) {
				t.Errorf("scrub(%q) = %q does not mark what it removed", tt.in, got)
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("scrub(%q) = %q lost %q", tt.in, got, k)
				}
			}
		})
	}
}

// Text without secrets passes unchanged: the layer must not cost a reader the log.
func TestRedactorKeepsOrdinaryText(t *testing.T) {
	r := &redactor{}
	for _, s := range []string{
		`{"apps":[{"id":"0xA1","name":"Acme_Sync","userCount":2}],"consumerKey":"AcmeSyncKey0001","token_type":"Bearer"}`,
		`<readMetadataResponse><records><fullName>Workbench</fullName><consumerKey>WbKey</consumerKey></records></readMetadataResponse>`,
		"the org rejected the session; re-authenticating once",
		"requesting an access token",
		`could not reach the org: Post "http://127.0.0.1:1/services/oauth2/token": dial tcp 127.0.0.1:1: connect: connection refused`,
		`{"note":"a > b && c < d"}`,
	} {
		if got := r.scrub(s); got != s {
			t.Errorf("scrub(%q) = %q", s, got)
		}
	}
}

// The verbatim net catches a known secret wherever it is, escaped as JSON, XML or a URL would
// escape it, even where no name says it is secret.
func TestRedactorRemovesKnownSecretsInEveryEscaping(t *testing.T) {
	const secret = `Kn<own>&"Secret/+=`
	r := &redactor{}
	r.add(secret, "abc") // too short to scrub safely: ignored
	escaped := jsonEscaped(secret)
	for _, in := range []string{
		"plain " + secret,
		`{"note":"` + escaped + `"}`,
		"<note>" + html.EscapeString(secret) + "</note>",
		"https://x.test/?q=" + url.QueryEscape(secret),
		"/credentials/" + url.PathEscape(secret),
	} {
		got := r.scrub(in)
		if strings.Contains(got, "Secret") || !strings.Contains(got, redactedValue) {
			t.Errorf("scrub(%q) = %q", in, got)
		}
	}
	if got := r.scrub("the abc of ordinary text"); got != "the abc of ordinary text" {
		t.Errorf("ordinary text changed: %q", got)
	}
}

// A body is redacted whole before it is cut to a log line's length: a secret past the cut point
// of a large JSON answer is still found by its key, and the line is no longer than the limit.
func TestRedactorBodyRedactsBeforeCutting(t *testing.T) {
	r := &redactor{}
	pad := strings.Repeat("x", maxLoggedBody-20)
	got := r.body([]byte(`{"pad":"` + pad + `","secret":"` + planted + `"}`))
	if strings.Contains(got, "Pl4nted") {
		t.Errorf("the body's secret survived: …%s", got[len(got)-80:])
	}
	if !strings.HasSuffix(got, "…(truncated)") || len(got) > maxLoggedBody+len("…(truncated)") {
		t.Errorf("the body was not cut to %d bytes: %d", maxLoggedBody, len(got))
	}
	// Past maxRedactedBody the document is no longer whole, and the rules by name still work.
	huge := `{"records":[{"DeleteToken":"` + planted + `"}` + strings.Repeat(`,{"Name":"x"}`, maxRedactedBody/10) + `]}`
	if got := r.body([]byte(huge)); strings.Contains(got, "Pl4nted") || !strings.Contains(got, `"DeleteToken":"[REDACTED]"`) {
		t.Errorf("a body past %d bytes keeps its secret: %.120s", maxRedactedBody, got)
	}
}

// Log fields: secret-named fields go whole, bodies, headers and query values are redacted by
// what they say, and other values stay.
func TestRedactorScrubsFields(t *testing.T) {
	r := &redactor{}
	fields := r.scrubFields(map[string]any{
		"Authorization": "Bearer x", "client_secret": "y", "private_key": "z", "path": "/services/data",
		"status": 200,
		"body":   []byte(`{"secret":"` + planted + `","key":"K"}`),
		"header": http.Header{"Authorization": {"Bearer " + planted}, "Content-Type": {"application/json"}},
		"query":  url.Values{"token": {planted}, "part": {"keyandsecret"}},
		"error":  fmt.Errorf("refused: client_secret=%s", planted),
	})
	want := map[string]any{
		"Authorization": redactedValue, "client_secret": redactedValue, "private_key": redactedValue,
		"path": "/services/data", "status": 200,
		"body":   `{"secret":"[REDACTED]","key":"K"}`,
		"header": "Authorization: [REDACTED]; Content-Type: application/json",
		"query":  "part: keyandsecret; token: [REDACTED]",
		"error":  "refused: client_secret=[REDACTED]",
	}
	for k, w := range want {
		if fields[k] != w {
			t.Errorf("field %s = %v, want %v", k, fields[k], w)
		}
	}
}

// secretNames are names under which a secret reaches the client, in the spellings JSON, SOAP,
// forms and headers use.
var secretNames = []string{
	"secret", "consumerSecret", "client_secret", "ConsumerSecret", "access_token", "refresh_token", "id_token",
	"DeleteToken", "token", "sessionId", "met:sessionId", "password", "Password", "assertion", "client_assertion",
	"private_key", "privateKey", "signature", "Authorization", "Cookie", "apiKey",
}

// plantIn is a body of one of the client's formats with value under name, at some depth.
func plantIn(rng *rand.Rand, name, value string) string {
	j := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	doc := map[string]any{"id": "0xC01", name: value}
	switch rng.IntN(8) {
	case 0:
		return j(doc)
	case 1:
		return j(map[string]any{"records": []any{map[string]any{"Name": "x", "nested": doc}}})
	case 2: // JSON in a JSON string (an error quoting a payload)
		return j([]any{map[string]any{"errorCode": "INVALID_INPUT", "message": "bad: " + j(doc)}})
	case 3:
		return "<r><a>1</a><" + name + ">" + html.EscapeString(value) + "</" + name + "><b>2</b></r>"
	case 4: // XML escaped into JSON
		return j(map[string]any{"message": "<" + name + ">" + html.EscapeString(value) + "</" + name + ">"})
	case 5:
		return url.Values{"grant_type": {"password"}, name: {value}}.Encode()
	case 6:
		return "request failed: " + name + "=" + url.QueryEscape(value) + "&x=1"
	default:
		return name + ": " + value
	}
}

// alphabetOfSecrets are the characters of the secrets and tokens the org issues.
const alphabetOfSecrets = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-!~+/="

// randomSecret is a value such as the org issues: letters, digits and the punctuation of tokens
// and secrets, at least 12 characters.
func randomSecret(rng *rand.Rand) string {
	b := make([]byte, 12+rng.IntN(40))
	for i := range b {
		b[i] = alphabetOfSecrets[rng.IntN(len(alphabetOfSecrets))]
	}
	return string(b)
}

// TestRedactorNeverLetsAPlantedSecretThrough is the property over many random bodies: whatever
// format carries it, at whatever depth, a secret under a secret's name never survives.
func TestRedactorNeverLetsAPlantedSecretThrough(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 1))
	r := &redactor{}
	for i := range 5000 {
		name, value := secretNames[rng.IntN(len(secretNames))], randomSecret(rng)
		in := plantIn(rng, name, value)
		if got := r.scrub(in); leaks(got, value) {
			t.Fatalf("case %d: scrub(%q) = %q leaks %q", i, in, got, value)
		}
	}
}

// leaks reports whether out still holds value, or any 8-character run of it, in any escaping.
func leaks(out, value string) bool {
	for _, form := range []string{value, url.QueryEscape(value), html.EscapeString(value), jsonEscaped(value)} {
		for i := 0; i+8 <= len(form); i++ {
			if strings.Contains(out, form[i:i+8]) {
				return true
			}
		}
	}
	return false
}

// FuzzRedactorPlantedSecret lets the fuzzer choose the secret and the text around it.
func FuzzRedactorPlantedSecret(f *testing.F) {
	f.Add(uint8(0), "Secret-Value-0001", `{"id":"x"}`)
	f.Add(uint8(3), "abc!def.ghi_jkl", "<r/>")
	f.Add(uint8(5), "tok/en+with=signs", "grant_type=x")
	r := &redactor{}
	f.Fuzz(func(t *testing.T, pick uint8, value, around string) {
		if len(value) < 12 || strings.ContainsFunc(value, func(c rune) bool { return !strings.ContainsRune(alphabetOfSecrets, c) }) {
			t.Skip("not a value the org issues")
		}
		name := secretNames[int(pick)%len(secretNames)]
		plant := func(v string) string {
			return around + "\n" + plantIn(rand.New(rand.NewPCG(uint64(pick), uint64(len(around)))), name, v) + "\n" + around
		}
		if strings.Contains(plant("\x00"), value) {
			t.Skip("the text holds the value without it being planted")
		}
		in := plant(value)
		if got := r.scrub(in); strings.Contains(got, value) {
			t.Fatalf("scrub(%q) = %q leaks %q", in, got, value)
		}
	})
}
