package metadata

import (
	"strings"
	"testing"
)

func TestDecodeFileOperations(t *testing.T) {
	decode := func(body string) (*Request, error) { return Decode(strings.NewReader(wireEnvelope(body)), 66) }
	req, err := decode(`<deploy><ZipFile>UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==</ZipFile><DeployOptions><checkOnly>1</checkOnly>` +
		`<rollbackOnError>true</rollbackOnError><runTests>X</runTests></DeployOptions></deploy>`)
	if err != nil || !req.Deploy.CheckOnly || !req.Deploy.RollbackOnError || len(req.Deploy.ZipFile) != 22 {
		t.Errorf("deploy: %+v %v", req, err)
	}
	req, err = decode(`<retrieve><retrieveRequest><apiVersion>66.0</apiVersion><singlePackage>true</singlePackage><unpackaged>` +
		`<types><members>A</members><members>B</members><name>ConnectedApp</name></types></unpackaged></retrieveRequest></retrieve>`)
	if err != nil || !req.Retrieve.SinglePackage || len(req.Retrieve.Types) != 1 || strings.Join(req.Retrieve.Types[0].Members, ",") != "A,B" {
		t.Errorf("retrieve with the WSDL's argument name: %+v %v", req, err)
	}
	req, err = decode(`<checkDeployStatus><asyncProcessId> 0Af000000000001 </asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus>`)
	if err != nil || req.AsyncID != "0Af000000000001" || !req.IncludeDetails {
		t.Errorf("checkDeployStatus: %+v %v", req, err)
	}
	for body, want := range map[string]string{
		`<checkRetrieveStatus/>`:                 "needs an asyncProcessId",
		`<deploy><DeployOptions/></deploy>`:      "needs a ZipFile",
		`<deploy><ZipFile>!!</ZipFile></deploy>`: "not valid base64Binary",
		`<retrieve/>`:                            "needs a RetrieveRequest",
		`<deploy><DeployOptions><checkOnly>maybe</checkOnly></DeployOptions><ZipFile/></deploy>`: "xsd:boolean",
	} {
		if _, err := decode(body); err == nil || !strings.Contains(err.Error(), want) || !AsFault(err).IsClient() {
			t.Errorf("%s: %v, want a client fault containing %q", body, err, want)
		}
	}
}
