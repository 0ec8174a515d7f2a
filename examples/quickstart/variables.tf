variable "instance_url" {
  description = "The org's URL. Unset: SFACCESS_INSTANCE_URL."
  type        = string
  default     = null
}

variable "client_id" {
  description = "Consumer key of the connected app Terraform authenticates through. Unset: SFACCESS_CLIENT_ID."
  type        = string
  default     = null
}

variable "client_secret" {
  description = "Consumer secret of that app. Unset: SFACCESS_CLIENT_SECRET."
  type        = string
  default     = null
  sensitive   = true
}
