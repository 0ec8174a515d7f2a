# Connected apps are imported by their API name. The consumer secret cannot be
# read back; set consumer_secret_wo only for apps Terraform creates.
terraform import sfaccess_connected_app.portal_mobile Portal_Mobile
