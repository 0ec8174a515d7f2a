# Permission sets are imported by their API name.
terraform import sfaccess_permission_set.api_any_client API_Any_Client
