# An assignment is imported as <permission set name>/<username>.
terraform import 'sfaccess_permission_set_assignment.portal_mobile_users["partner@acme.test"]' Portal_Mobile_Users/partner@acme.test
