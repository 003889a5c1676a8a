variable "region" {
  description = "AWS region of the pair."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Names everything: the cluster, the task definition family, the services <name>-blue and <name>-green, the load balancer."
  type        = string
  default     = "web"
}

variable "vpc_id" {
  description = "VPC of the load balancer and the tasks."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing load balancer (two Availability Zones or more)."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the tasks (with a route to ECR, e.g. through a NAT gateway or VPC endpoints)."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate for an HTTPS listener on 443. Empty: an HTTP listener on 80."
  type        = string
  default     = ""
}

variable "container_name" {
  description = "The container the action renders the new image into (its `container` input)."
  type        = string
  default     = "web"
}

variable "container_port" {
  description = "Port the container listens on; the target groups send traffic and health checks to it."
  type        = number
  default     = 8080
}

variable "health_check_path" {
  description = "Path of the target groups' health check."
  type        = string
  default     = "/health"
}

variable "initial_image" {
  description = "Image of the first revision only. Later images come from the action: Terraform ignores the services' task definition."
  type        = string
}

variable "cpu" {
  description = "Fargate task CPU units."
  type        = number
  default     = 256
}

variable "memory" {
  description = "Fargate task memory (MiB)."
  type        = number
  default     = 512
}

variable "desired_count" {
  description = "Tasks of the live side at creation. Afterwards the action (and auto scaling) own the counts: Terraform ignores them."
  type        = number
  default     = 2
}

variable "deregistration_delay" {
  description = "Seconds a target drains after it leaves a target group; with scale-down-delay: auto the old side is scaled down after this."
  type        = number
  default     = 60
}

variable "autoscaling" {
  description = "Application Auto Scaling of both services (target tracking on CPU). null: no auto scaling."
  type = object({
    min_capacity = number
    max_capacity = number
    cpu_target   = number
  })
  default = null
}

variable "github_repository" {
  description = "The repository whose workflows may deploy, as owner/name."
  type        = string
}

variable "github_environment" {
  description = "The GitHub environment the deploy job uses (its OIDC subject is repo:<owner/name>:environment:<environment>). Empty: any workflow on the main branch instead."
  type        = string
  default     = "production"
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. false when the account already has one (there can be only one per URL)."
  type        = bool
  default     = true
}
