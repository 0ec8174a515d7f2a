package orgapi

// soapFault is a SOAP fault's code (prefix removed) and text.
type soapFault struct{ code, message string }

func parseSOAPFault(body []byte) *soapFault { return nil }
