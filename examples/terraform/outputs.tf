# The action's inputs, and the role for aws-actions/configure-aws-credentials.

output "cluster" {
  description = "The action's `cluster` input."
  value       = aws_ecs_cluster.this.name
}

output "services" {
  description = "The action's `services` input."
  value       = "${aws_ecs_service.blue.name},${aws_ecs_service.green.name}"
}

output "listener" {
  description = "The action's `listener` input."
  value       = aws_lb_listener.this.arn
}

output "container" {
  description = "The action's `container` input."
  value       = var.container_name
}

output "deploy_role_arn" {
  description = "`role-to-assume` of aws-actions/configure-aws-credentials in the deploy workflow."
  value       = aws_iam_role.deploy.arn
}

output "url" {
  description = "Where the service answers."
  value       = "${var.certificate_arn == "" ? "http" : "https"}://${aws_lb.this.dns_name}"
}
