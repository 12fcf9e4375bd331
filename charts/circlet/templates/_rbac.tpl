{{/*
Namespaced rules of the operator: what it reads and writes in a build namespace
(docs/operator.md, "How the reconcilers work"). Bound per build namespace by a RoleBinding, or
cluster-wide only when rbac.clusterWide is true.
*/}}
{{- define "circlet.operator.namespacedRules" -}}
- apiGroups: [ci.circlet.dev]
  resources: [pipelines]
  verbs: [get, list, watch]
- apiGroups: [ci.circlet.dev]
  resources: [workflows]
  # delete: finished Workflows are removed after operator.finishedTtl (their Builds and pods go with them).
  verbs: [get, list, watch, delete]
- apiGroups: [ci.circlet.dev]
  resources: [builds]
  # create: a Workflow's Builds; patch: spec.cancel; delete: finished standalone Builds.
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [ci.circlet.dev]
  resources: [pipelines/status, workflows/status, builds/status]
  verbs: [update]
- apiGroups: [""]
  resources: [pods]
  # create-only build pods; delete on cancel and timeout.
  verbs: [get, list, watch, create, delete]
- apiGroups: [""]
  resources: [secrets]
  # list/watch: context Secrets (by label; the operator's cache keeps their names and labels
  # only). No create: a build pod's job.json and identity come from its own annotation and a
  # projected ServiceAccount token, not from a Secret.
  verbs: [list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- end -}}

{{/* Namespaced rules of the gateway: triggers Workflows, serves Builds, reads webhook Secrets. */}}
{{- define "circlet.gateway.namespacedRules" -}}
- apiGroups: [ci.circlet.dev]
  resources: [pipelines]
  verbs: [get, list, watch]
- apiGroups: [ci.circlet.dev]
  resources: [workflows]
  # create: a push's runs; patch: approvals and cancel.
  verbs: [get, list, watch, create, patch]
- apiGroups: [ci.circlet.dev]
  resources: [builds]
  # patch: cancel one Build.
  verbs: [get, list, watch, patch]
- apiGroups: [""]
  resources: [secrets]
  # the Pipeline's webhook secret (webhookSecretRef), read by name.
  verbs: [get]
- apiGroups: [""]
  resources: [pods]
  # runner identity: the build pod a projected token is bound to, read by name.
  verbs: [get]
{{- end -}}
