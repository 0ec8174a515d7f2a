package metadata

import "strings"

// Fixtures: request envelopes as a JavaScript client (jsforce 3) sends them (default namespace,
// unprefixed xsi:type) and as Salesforce's Metadata API documentation writes them (met: prefix),
// verbatim; SALESFORCE.md, "Metadata SOAP shapes and faults", has the sources.

// wireEnvelope wraps a body the way the JavaScript client does: default namespace on Header and Body.
func wireEnvelope(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata">   <!-- default namespace, no prefix -->
    <SessionHeader><sessionId>00D...!TOKEN</sessionId></SessionHeader>
  </soapenv:Header>
  <soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata">
    ` + body + `
  </soapenv:Body>
</soapenv:Envelope>`
}

// metEnvelope wraps a body the way met:-prefix clients do (Salesforce's readMetadata documentation).
func metEnvelope(body string) string {
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:met="http://soap.sforce.com/2006/04/metadata">
  <soapenv:Header><met:SessionHeader><met:sessionId>TOKEN</met:sessionId></met:SessionHeader></soapenv:Header>
  <soapenv:Body>
    ` + body + `
  </soapenv:Body>
</soapenv:Envelope>`
}

// toMet rewrites a default-namespace body into the met: style: every element prefixed, xsi:type
// values prefixed too.
func toMet(body string) string {
	r := strings.NewReplacer("</", "</met:", "<", "<met:", `xsi:type="`, `xsi:type="met:`)
	return r.Replace(body)
}

const (
	wireReadBody = `<readMetadata><type>ConnectedAppSettings</type><fullNames>ConnectedApp</fullNames></readMetadata>`

	wireUpsertBody = `<upsertMetadata><metadata xsi:type="ConnectedApp"><fullName>A</fullName><label>A</label>
  <contactEmail>a@b.test</contactEmail><oauthConfig><callbackUrl>https://x/cb</callbackUrl>
  <scopes>Api</scopes><scopes>RefreshToken</scopes><isAdminApproved>true</isAdminApproved>
  </oauthConfig></metadata></upsertMetadata>`

	wireListBody   = `<listMetadata><queries><type>ConnectedApp</type></queries><asOfVersion>60.0</asOfVersion></listMetadata>`
	wireDeleteBody = `<deleteMetadata><type>ConnectedApp</type><fullNames>A</fullNames></deleteMetadata>`

	// Salesforce's readMetadata request example, verbatim.
	metReadEnvelope = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                  xmlns:met="http://soap.sforce.com/2006/04/metadata">
  <soapenv:Header>
    <met:SessionHeader><met:sessionId>00Dxx0000001gPL!AQ0AQ...</met:sessionId></met:SessionHeader>
  </soapenv:Header>
  <soapenv:Body>
    <met:readMetadata>
      <met:type>ConnectedAppSettings</met:type>
      <met:fullNames>ConnectedApp</met:fullNames>
    </met:readMetadata>
  </soapenv:Body>
</soapenv:Envelope>`

	metUpdateEnvelope = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:met="http://soap.sforce.com/2006/04/metadata">
  <soapenv:Header><met:SessionHeader><met:sessionId>TOKEN</met:sessionId></met:SessionHeader></soapenv:Header>
  <soapenv:Body>
    <met:updateMetadata>
      <met:metadata xsi:type="met:ConnectedAppSettings">
        <met:fullName>ConnectedApp</met:fullName>
        <met:enableAdminApprovedAppsOnlyForExternalUser>true</met:enableAdminApprovedAppsOnlyForExternalUser>
      </met:metadata>
    </met:updateMetadata>
  </soapenv:Body>
</soapenv:Envelope>`

	metDeleteBody = `<met:deleteMetadata><met:type>ConnectedApp</met:type><met:fullNames>Portal_Mobile</met:fullNames></met:deleteMetadata>`
	metListBody   = `<met:listMetadata><met:queries><met:type>ConnectedApp</met:type></met:queries><met:asOfVersion>62.0</met:asOfVersion></met:listMetadata>`

	// The example ConnectedApp component of SALESFORCE.md's sources, as a createMetadata.
	portalMobileCreateBody = `<createMetadata><metadata xsi:type="ConnectedApp">
    <fullName>Portal_Mobile</fullName>
    <contactEmail>admin@example.com</contactEmail>
    <label>Portal Mobile</label>
    <oauthConfig>
        <callbackUrl>https://app.example.com/oauth/callback</callbackUrl>
        <isAdminApproved>true</isAdminApproved>
        <isConsumerSecretOptional>false</isConsumerSecretOptional>
        <scopes>Api</scopes>
        <scopes>RefreshToken</scopes>
    </oauthConfig>
    <oauthPolicy>
        <ipRelaxation>ENFORCE</ipRelaxation>
        <refreshTokenPolicy>specific_inactivity:7:DAYS</refreshTokenPolicy>
    </oauthPolicy>
    <permissionSetName>Portal_API_Access</permissionSetName>
    <profileName>Customer Community Plus User</profileName>
</metadata></createMetadata>`
)

func ptr[T any](v T) *T { return &v }

// fullApp sets every field this package models, so tests can check nothing is dropped.
func fullApp() *ConnectedApp {
	return &ConnectedApp{
		FullName:       "Portal_Mobile",
		Label:          "Portal Mobile",
		ContactEmail:   "admin@example.com",
		ContactPhone:   "+1 555 0100",
		Description:    "Mobile app",
		InfoURL:        "https://example.com/info",
		StartURL:       "https://example.com/start",
		MobileStartURL: "https://example.com/m",
		LogoURL:        "https://example.com/logo.png",
		OAuthConfig: &OAuthConfig{
			CallbackURL:                     "https://a.example.com/cb\nhttps://b.example.com/cb",
			Certificate:                     "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
			ConsumerKey:                     "PortalMobileKey0001",
			ConsumerSecret:                  "PortalMobileSecret0001",
			IsAdminApproved:                 ptr(true),
			IsClientCredentialEnabled:       ptr(false),
			OAuthClientCredentialUser:       "integration@acme.test",
			IsPkceRequired:                  ptr(true),
			IsConsumerSecretOptional:        ptr(false),
			IsSecretRequiredForRefreshToken: ptr(true),
			Scopes:                          []string{"Api", "RefreshToken", "PwdlessLogin"},
		},
		OAuthPolicy: &OAuthPolicy{
			IPRelaxation:       "BYPASS",
			RefreshTokenPolicy: "specific_lifetime:1:DAYS",
			SingleLogoutURL:    "https://example.com/logout",
		},
		ProfileName:       []string{"Customer Community Plus User"},
		PermissionSetName: []string{"Portal_API_Access", "Other"},
	}
}
