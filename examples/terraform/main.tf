# A blue/green pair for ecs-blue-green-action: one cluster, two Fargate services (blue live,
# green idle at 0), each on its own target group, one ALB listener forwarding to both with
# weights (blue 100, green 0), optional Application Auto Scaling, and the IAM role a GitHub
# workflow assumes through OIDC, with the policy of iam/policy.json.
#
# After the first apply the action owns the traffic weights, the services' task definition and
# their desired counts: the `lifecycle { ignore_changes }` blocks below keep `terraform apply`
# from putting them back (which would move traffic, or roll a service back to the first image).

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.30"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  region     = var.region
  account_id = data.aws_caller_identity.current.account_id
  https      = var.certificate_arn != ""
  sides      = toset(["blue", "green"])
}

# --- cluster, logs ----------------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = 30
}

# --- network ----------------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "The load balancer of ${var.name}"
  vpc_id      = var.vpc_id

  ingress {
    description = "Web traffic"
    from_port   = local.https ? 443 : 80
    to_port     = local.https ? 443 : 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "The tasks of ${var.name}: reached from the load balancer only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "From the load balancer"
    from_port       = var.container_port
    to_port         = var.container_port
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- load balancer: two target groups, one weighted forward -----------------------------------

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]
}

resource "aws_lb_target_group" "side" {
  for_each = local.sides

  name                 = "${var.name}-${each.key}"
  vpc_id               = var.vpc_id
  target_type          = "ip"
  protocol             = "HTTP"
  port                 = var.container_port
  deregistration_delay = var.deregistration_delay

  health_check {
    path                = var.health_check_path
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
    matcher             = "200-399"
  }
}

resource "aws_lb_listener" "this" {
  load_balancer_arn = aws_lb.this.arn
  port              = local.https ? 443 : 80
  protocol          = local.https ? "HTTPS" : "HTTP"
  certificate_arn   = local.https ? var.certificate_arn : null
  ssl_policy        = local.https ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : null

  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.side["blue"].arn
        weight = 100
      }
      target_group {
        arn    = aws_lb_target_group.side["green"].arn
        weight = 0
      }
    }
  }

  lifecycle {
    # the action moves the weights (and which side has 100) on every deploy
    ignore_changes = [default_action]
  }
}

# --- the task definition's first revision -----------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}

resource "aws_ecs_task_definition" "initial" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  # the action registers the later revisions of this family from the live one; a change here
  # registers a new revision for the next deploy to start from, and never deregisters the old one
  skip_destroy = true

  container_definitions = jsonencode([
    {
      name         = var.container_name
      image        = var.initial_image
      essential    = true
      portMappings = [{ containerPort = var.container_port, protocol = "tcp" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = var.name
        }
      }
    }
  ])
}

# --- the pair ---------------------------------------------------------------------------------

resource "aws_ecs_service" "blue" {
  name            = "${var.name}-blue"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.initial.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.side["blue"].arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = false
  }

  lifecycle {
    # the action puts each new revision on the idle side and sets both sides' counts
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_lb_listener.this]
}

resource "aws_ecs_service" "green" {
  name            = "${var.name}-green"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.initial.arn
  desired_count   = 0
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.side["green"].arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = false
  }

  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_lb_listener.this]
}

# --- optional Application Auto Scaling of both sides ------------------------------------------

locals {
  scaled_services = var.autoscaling == null ? {} : {
    blue  = aws_ecs_service.blue.name
    green = aws_ecs_service.green.name
  }
}

resource "aws_appautoscaling_target" "side" {
  for_each = local.scaled_services

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${each.value}"
  # the idle side starts at 0 (a minimum above 0 would start its tasks); at each promotion the
  # action gives the new live side the old live side's minimum and lowers the old side's to 0
  min_capacity = each.key == "blue" ? var.autoscaling.min_capacity : 0
  max_capacity = var.autoscaling.max_capacity

  lifecycle {
    # during a rollout the action suspends scaling, hands the live side's settings to the new
    # side at promotion and lowers the old side's minimum to 0; it restores them on a revert
    ignore_changes = [min_capacity, max_capacity, suspended_state]
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each = local.scaled_services

  name               = "${each.value}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.side[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.side[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.side[each.key].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# --- the role GitHub Actions assumes through OIDC ---------------------------------------------

resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1
  url   = "https://token.actions.githubusercontent.com"
}

locals {
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
  oidc_subject = (var.github_environment != ""
    ? "repo:${var.github_repository}:environment:${var.github_environment}"
  : "repo:${var.github_repository}:ref:refs/heads/main")
}

data "aws_iam_policy_document" "github_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [local.oidc_subject]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${var.name}-deploy"
  description          = "Assumed by GitHub Actions (${var.github_repository}) to deploy ${var.name} with ecs-blue-green-action"
  assume_role_policy   = data.aws_iam_policy_document.github_trust.json
  max_session_duration = 3600
}

# The statements of iam/policy.json, with its <placeholders> filled in by this configuration.
# (__tests__/repo/examples.test.ts checks that they stay the same statements.)
data "aws_iam_policy_document" "deploy" {
  statement {
    sid     = "ReadListenersTargetGroupsAndRevisions"
    effect  = "Allow"
    actions = [
      "ecs:DescribeTaskDefinition",
      "ecs:ListTaskDefinitions",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    resources = [
      "*",
    ]
  }

  statement {
    sid     = "ReadTheAlarmsOfTheGates"
    effect  = "Allow"
    actions = [
      "cloudwatch:DescribeAlarms",
    ]
    resources = [
      "arn:aws:cloudwatch:${local.region}:${local.account_id}:alarm:*",
    ]
  }

  statement {
    sid     = "ReadLoadBalancerMetrics"
    effect  = "Allow"
    actions = [
      "cloudwatch:GetMetricData",
    ]
    resources = [
      "*",
    ]
  }

  statement {
    sid     = "ListServicesAndTasksOfTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:ListServices",
      "ecs:ListTasks",
    ]
    resources = [
      "*",
    ]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = ["arn:aws:ecs:${local.region}:${local.account_id}:cluster/${aws_ecs_cluster.this.name}"]
    }
  }

  statement {
    sid     = "ReadServicesOfTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:DescribeServices",
      "ecs:ListServiceDeployments",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:service/${aws_ecs_cluster.this.name}/*",
    ]
  }

  statement {
    sid     = "FollowAndSteerServiceDeploymentsOfTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:ContinueServiceDeployment",
      "ecs:DescribeServiceDeployments",
      "ecs:StopServiceDeployment",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:service-deployment/${aws_ecs_cluster.this.name}/*",
    ]
  }

  statement {
    sid     = "ReadTasksOfTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:DescribeTasks",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:task/${aws_ecs_cluster.this.name}/*",
    ]
  }

  statement {
    sid     = "ReadContainerInstancesOfTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:DescribeContainerInstances",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:container-instance/${aws_ecs_cluster.this.name}/*",
    ]
  }

  statement {
    sid     = "ListContainerInstancesOfTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:ListContainerInstances",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:cluster/${aws_ecs_cluster.this.name}",
    ]
  }

  statement {
    sid     = "ReadCapacityProviders"
    effect  = "Allow"
    actions = [
      "ecs:DescribeCapacityProviders",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:capacity-provider/*",
    ]
  }

  statement {
    sid     = "ReadAutoScalingOfTheServices"
    effect  = "Allow"
    actions = [
      "application-autoscaling:DescribeScalableTargets",
      "application-autoscaling:DescribeScalingPolicies",
    ]
    resources = [
      "*",
    ]
  }

  statement {
    sid     = "HoldRestoreAndHandOverAutoScaling"
    effect  = "Allow"
    actions = [
      "application-autoscaling:PutScalingPolicy",
      "application-autoscaling:RegisterScalableTarget",
    ]
    resources = [
      "arn:aws:application-autoscaling:${local.region}:${local.account_id}:scalable-target/*",
    ]
  }

  statement {
    sid     = "AlarmsOfCopiedTargetTrackingPolicies"
    effect  = "Allow"
    actions = [
      "cloudwatch:DeleteAlarms",
      "cloudwatch:PutMetricAlarm",
    ]
    resources = [
      "arn:aws:cloudwatch:${local.region}:${local.account_id}:alarm:TargetTracking-service/${aws_ecs_cluster.this.name}/*",
    ]
  }

  statement {
    sid     = "AutoScalingRoleOnFirstRegistration"
    effect  = "Allow"
    actions = [
      "iam:CreateServiceLinkedRole",
    ]
    resources = [
      "arn:aws:iam::${local.account_id}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
    ]
    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["ecs.application-autoscaling.amazonaws.com"]
    }
  }

  statement {
    sid     = "RegisterRevisions"
    effect  = "Allow"
    actions = [
      "ecs:RegisterTaskDefinition",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:task-definition/*",
    ]
  }

  statement {
    sid     = "RunTheMigrationTaskInTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:RunTask",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:task-definition/*",
    ]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = ["arn:aws:ecs:${local.region}:${local.account_id}:cluster/${aws_ecs_cluster.this.name}"]
    }
  }

  statement {
    sid     = "StopTheMigrationTaskWhenTheRolloutReverts"
    effect  = "Allow"
    actions = [
      "ecs:StopTask",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:task/${aws_ecs_cluster.this.name}/*",
    ]
  }

  statement {
    sid     = "DeregisterPreviewRevisions"
    effect  = "Allow"
    actions = [
      "ecs:DeregisterTaskDefinition",
    ]
    resources = [
      "*",
    ]
  }

  statement {
    sid     = "PassTheTaskRoles"
    effect  = "Allow"
    actions = [
      "iam:PassRole",
    ]
    resources = [
      "arn:aws:iam::${local.account_id}:role/${aws_iam_role.task.name}",
      "arn:aws:iam::${local.account_id}:role/${aws_iam_role.execution.name}",
    ]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid     = "DeployAndPreviewServicesOfTheCluster"
    effect  = "Allow"
    actions = [
      "ecs:CreateService",
      "ecs:DeleteService",
      "ecs:UpdateService",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:service/${aws_ecs_cluster.this.name}/*",
    ]
  }

  statement {
    sid     = "TagPreviewServicesAsTheyAreCreated"
    effect  = "Allow"
    actions = [
      "ecs:TagResource",
    ]
    resources = [
      "arn:aws:ecs:${local.region}:${local.account_id}:service/${aws_ecs_cluster.this.name}/*",
    ]
    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["CreateService"]
    }
  }

  statement {
    sid     = "ShiftTrafficOnTheListener"
    effect  = "Allow"
    actions = [
      "elasticloadbalancing:ModifyListener",
    ]
    resources = [
      "arn:aws:elasticloadbalancing:${local.region}:${local.account_id}:listener/app/${aws_lb.this.name}/*",
    ]
  }

  statement {
    sid     = "AddTheLockRuleAndPreviewRulesToTheListener"
    effect  = "Allow"
    actions = [
      "elasticloadbalancing:CreateRule",
    ]
    resources = [
      "arn:aws:elasticloadbalancing:${local.region}:${local.account_id}:listener/app/${aws_lb.this.name}/*",
    ]
  }

  statement {
    sid     = "ShiftTrafficOnRulesAndRemoveTheLockAndPreviewRules"
    effect  = "Allow"
    actions = [
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:ModifyRule",
    ]
    resources = [
      "arn:aws:elasticloadbalancing:${local.region}:${local.account_id}:listener-rule/app/${aws_lb.this.name}/*",
    ]
  }

  statement {
    sid     = "PreviewTargetGroups"
    effect  = "Allow"
    actions = [
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:DeleteTargetGroup",
    ]
    resources = [
      "arn:aws:elasticloadbalancing:${local.region}:${local.account_id}:targetgroup/*",
    ]
  }

  statement {
    sid     = "RecordTheRolloutAndTheLockInTags"
    effect  = "Allow"
    actions = [
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ]
    resources = [
      "arn:aws:elasticloadbalancing:${local.region}:${local.account_id}:listener/app/${aws_lb.this.name}/*",
      "arn:aws:elasticloadbalancing:${local.region}:${local.account_id}:listener-rule/app/${aws_lb.this.name}/*",
    ]
  }

  statement {
    sid     = "TagPreviewTargetGroupsAsTheyAreCreated"
    effect  = "Allow"
    actions = [
      "elasticloadbalancing:AddTags",
    ]
    resources = [
      "arn:aws:elasticloadbalancing:${local.region}:${local.account_id}:targetgroup/*",
    ]
    condition {
      test     = "StringEquals"
      variable = "elasticloadbalancing:CreateAction"
      values   = ["CreateTargetGroup"]
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "ecs-blue-green-action"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}
