package metadata

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bodies to Decode at every served version. Decode must never panic and
// must fail only with a *Fault that WriteFault turns into well-formed XML. A request it accepts must
// survive Encode and Decode unchanged, and its components must encode into a well-formed response.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		wireEnvelope(wireReadBody),
		wireEnvelope(wireUpsertBody),
		wireEnvelope(wireListBody),
		wireEnvelope(wireDeleteBody),
		wireEnvelope(portalMobileCreateBody),
		metEnvelope(toMet(wireUpsertBody)),
		metEnvelope(toMet(portalMobileCreateBody)),
		metReadEnvelope,
		metUpdateEnvelope,
		metEnvelope(metDeleteBody),
		metEnvelope(metListBody),
		// Broken variants.
		metUpdateEnvelope[:len(metUpdateEnvelope)/2],
		wireEnvelope(`<upsertMetadata><metadata xsi:type="ConnectedApp"><oauthConfig><isAdminApproved>maybe</isAdminApproved></oauthConfig></metadata></upsertMetadata>`),
		wireEnvelope(`<createMetadata><metadata xsi:type="ConnectedApp"><permissionSetName></permissionSetName><profileName xsi:nil="true"/><foo/></metadata></createMetadata>`),
		wireEnvelope(`<retrieve/>`),
		`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`,
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>`,
		"",
		"\x00\xff<",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(60-MinVersion+Version(i%3)))
	}
	f.Fuzz(func(t *testing.T, body []byte, versionOffset uint8) {
		v := MinVersion + Version(int(versionOffset)%int(LatestVersion-MinVersion+1))
		req, err := Decode(bytes.NewReader(body), v)
		if err != nil {
			var fault *Fault
			if !errors.As(err, &fault) {
				t.Fatalf("Decode error is %T, not *Fault: %v", err, err)
			}
			var out bytes.Buffer
			if err := WriteFault(&out, fault); err != nil {
				t.Fatal(err)
			}
			wellFormed(t, out.Bytes())
			return
		}
		var enc bytes.Buffer
		if err := req.Encode(&enc, v); err != nil {
			t.Fatalf("Encode of a decoded request: %v", err)
		}
		again, err := Decode(bytes.NewReader(enc.Bytes()), v)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc.String(), err)
		}
		if !reflect.DeepEqual(req, again) {
			t.Fatalf("round trip changed the request:\n got %#v\nwant %#v", again, req)
		}
		var resp bytes.Buffer
		if err := WriteReadResponse(&resp, v, req.Components); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, resp.Bytes())
		_ = WriteSaveResponse(io.Discard, OpCreate, []SaveResult{{FullName: req.Type}})
	})
}
