{{/* Base name of the release's objects: the release name, plus "-circlet" unless it says so already. */}}
{{- define "circlet.fullname" -}}
{{- if contains "circlet" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-circlet" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "circlet.operator.name" -}}{{ include "circlet.fullname" . }}-operator{{- end -}}
{{- define "circlet.gateway.name" -}}{{ include "circlet.fullname" . }}-gateway{{- end -}}

{{/* Labels every object carries. */}}
{{- define "circlet.labels" -}}
app.kubernetes.io/name: circlet
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: circlet
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "operator"). */}}
{{- define "circlet.selectorLabels" -}}
app.kubernetes.io/name: circlet
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of one component's objects. */}}
{{- define "circlet.componentLabels" -}}
{{ include "circlet.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image reference from {repository, tag, digest}: the digest wins, the tag defaults to appVersion. */}}
{{- define "circlet.image" -}}
{{- $img := .image -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $img.repository $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $img.repository (default .ctx.Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{/* The build namespaces' names, comma-separated. */}}
{{- define "circlet.buildNamespaceList" -}}
{{- $names := list -}}
{{- range .Values.buildNamespaces -}}{{- $names = append $names .name -}}{{- end -}}
{{- join "," $names -}}
{{- end -}}

{{/* Pod-level security context of the operator and gateway: the restricted Pod Security Standard. */}}
{{- define "circlet.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security context: no privilege escalation, no capabilities, read-only root. */}}
{{- define "circlet.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Prometheus scrape annotations for a pod serving /q/metrics on port. */}}
{{- define "circlet.scrapeAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /q/metrics
{{- end -}}

{{/* A required value with a message naming the key. */}}
{{- define "circlet.required" -}}
{{- required (printf "%s must be set (see values.yaml)" .key) .value -}}
{{- end -}}
