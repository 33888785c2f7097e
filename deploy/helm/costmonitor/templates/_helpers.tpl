{{/* Names, labels and the pod parts every role shares (web, worker, beat, migrate). */}}

{{- define "costmonitor.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "costmonitor.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "costmonitor.labels" -}}
{{ include "costmonitor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "costmonitor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "costmonitor.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "costmonitor.secretName" -}}
{{- required "existingSecret is required: the name of a Secret holding SECRET_KEY, DATABASE_URL, REDIS_URL and CELERY_BROKER_URL" .Values.existingSecret -}}
{{- end -}}

{{/*
The environment of every role: the Secret's keys, the ports, ALLOWED_HOSTS with the pod's IP, then `env`.
Settings that are secrets are refused in `env`, so no value of theirs is ever rendered into a manifest.
*/}}
{{- define "costmonitor.environment" -}}
{{- $secretSettings := list "SECRET_KEY" "DATABASE_URL" "REDIS_URL" "CELERY_BROKER_URL" "METRICS_TOKEN" "AWS_ACCESS_KEY_ID" "AWS_SECRET_ACCESS_KEY" "AWS_SESSION_TOKEN" -}}
{{- $managed := list "PORT" "METRICS_PORT" "ALLOWED_HOSTS" "POD_IP" -}}
envFrom:
  - secretRef:
      name: {{ include "costmonitor.secretName" . }}
env:
  - name: POD_IP
    valueFrom:
      fieldRef:
        fieldPath: status.podIP
  - name: ALLOWED_HOSTS
    value: {{ append .Values.allowedHosts "$(POD_IP)" | join "," | quote }}
  - name: PORT
    value: {{ .Values.web.port | quote }}
  - name: METRICS_PORT
    value: {{ .Values.web.metricsPort | quote }}
{{- range $name, $value := .Values.env }}
{{- if has $name $secretSettings }}
{{- fail (printf "env.%s is a secret: put it in the Secret named by existingSecret, not in values" $name) }}
{{- end }}
{{- if has $name $managed }}
{{- fail (printf "env.%s is set by the chart: use the value it is made from (web.port, web.metricsPort, allowedHosts)" $name) }}
{{- end }}
  - name: {{ $name }}
    value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/*
The pod spec shared by every role; call with (dict "ctx" $ "role" "web" "container" <the container's own keys>).
"serviceAccount" false (the migrate hook) keeps the namespace's default ServiceAccount: the hook runs before the
release's own ServiceAccount exists, and migrations need no AWS access. costmonitor never calls the Kubernetes API.
*/}}
{{- define "costmonitor.podSpec" -}}
{{- $ := .ctx -}}
{{- if .serviceAccount }}
serviceAccountName: {{ include "costmonitor.serviceAccountName" $ }}
{{- end }}
automountServiceAccountToken: false
{{- with $.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $.Values.podSecurityContext | nindent 2 }}
containers:
  - name: {{ .role }}
    image: {{ printf "%s:%s" $.Values.image.repository (default $.Chart.AppVersion $.Values.image.tag) | quote }}
    imagePullPolicy: {{ $.Values.image.pullPolicy }}
    {{- include "costmonitor.environment" $ | nindent 4 }}
    securityContext:
      {{- toYaml $.Values.securityContext | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      - name: data
        mountPath: /app/data
    {{- with .container }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
volumes:
  # The root filesystem is read-only: /tmp in memory, and the image's data directory.
  - name: tmp
    emptyDir:
      medium: Memory
      sizeLimit: {{ $.Values.tmpSizeLimit }}
  - name: data
    emptyDir: {}
{{- with $.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod metadata of a role. */}}
{{- define "costmonitor.podMetadata" -}}
{{- $ := .ctx -}}
labels:
  {{- include "costmonitor.selectorLabels" $ | nindent 2 }}
  app.kubernetes.io/component: {{ .role }}
  {{- with $.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with $.Values.podAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
