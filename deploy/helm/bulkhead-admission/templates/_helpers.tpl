{{- define "bulkhead-admission.name" -}}bulkhead-admission{{- end -}}
{{- define "bulkhead-admission.fullname" -}}{{ printf "%s-admission" .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "bulkhead-admission.labels" -}}
app.kubernetes.io/name: {{ include "bulkhead-admission.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: bulkhead
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
{{- define "bulkhead-admission.selector" -}}
app.kubernetes.io/name: {{ include "bulkhead-admission.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- define "bulkhead-admission.tokenSecret" -}}{{ default (printf "%s-token" (include "bulkhead-admission.fullname" .)) .Values.console.tokenSecret }}{{- end -}}
