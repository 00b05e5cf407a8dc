import { ExplainRequest } from '@bluegreen-istio/plugin-bluegreen-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { FormEvent, useId, useState } from 'react';
import { parseHeaders, parseLabels } from './parseExplainInput';

const AUTOMATIC = '';
const ALL_CLUSTERS = '';

export type ExplainerQuery = Omit<ExplainRequest, 'entityRef'>;

/** The request to explain. Its state lives here, so state refreshes above it never reset it. */
export function ExplainerForm(props: {
  hosts: string[];
  gateways: string[];
  clusters: string[];
  busy: boolean;
  onExplain: (query: ExplainerQuery) => void;
}) {
  const { hosts, gateways, clusters, busy, onExplain } = props;
  const [host, setHost] = useState(hosts[0] ?? '');
  const [path, setPath] = useState('');
  const [headersText, setHeadersText] = useState('');
  const [labelsText, setLabelsText] = useState('');
  const [gateway, setGateway] = useState(AUTOMATIC);
  const [cluster, setCluster] = useState(ALL_CLUSTERS);
  const [submitted, setSubmitted] = useState(false);
  const id = useId();

  const headers = parseHeaders(headersText);
  const sourceLabels = parseLabels(labelsText);
  const hostError =
    submitted && !host.trim() ? 'Enter the host to ask about' : undefined;
  const pathError =
    path && !path.startsWith('/')
      ? 'A path starts with /, e.g. /api'
      : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!host.trim() || pathError || headers.error || sourceLabels.error) {
      return;
    }
    onExplain({
      host: host.trim(),
      path: path || undefined,
      headers: headers.value,
      sourceLabels: sourceLabels.value,
      gateway: gateway || undefined,
      cluster: cluster || undefined,
    });
  };

  return (
    <form onSubmit={submit} aria-label="Explain a request" noValidate>
      <Grid container spacing={2} alignItems="flex-start">
        <Grid item xs={12} md={4}>
          <Autocomplete
            id={`${id}-host`}
            freeSolo
            options={hosts}
            value={host}
            onChange={(_event, value) => setHost(value ?? '')}
            inputValue={host}
            onInputChange={(_event, value) => setHost(value)}
            renderInput={params => (
              <TextField
                {...params}
                label="Host"
                required
                variant="outlined"
                size="small"
                error={Boolean(hostError)}
                helperText={
                  hostError ??
                  'The Host header, or the service name in the mesh'
                }
              />
            )}
          />
        </Grid>
        <Grid item xs={12} md={2}>
          <TextField
            label="Path"
            id={`${id}-path`}
            placeholder="/"
            value={path}
            onChange={e => setPath(e.target.value)}
            variant="outlined"
            size="small"
            fullWidth
            error={Boolean(pathError)}
            helperText={pathError ?? 'Default /'}
          />
        </Grid>
        <Grid item xs={12} md={3}>
          <TextField
            select
            label="Enters through"
            id={`${id}-gateway`}
            value={gateway}
            onChange={e => setGateway(e.target.value as string)}
            variant="outlined"
            size="small"
            fullWidth
            helperText="Where the request comes from"
            InputLabelProps={{ shrink: true }}
            SelectProps={{ displayEmpty: true }}
          >
            <MenuItem value={AUTOMATIC}>
              Automatic (the host's gateway, or the mesh for labelled callers)
            </MenuItem>
            <MenuItem value="mesh">
              The mesh (a sidecar of a caller pod)
            </MenuItem>
            {gateways.map(g => (
              <MenuItem key={g} value={g}>
                Gateway {g}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        {clusters.length > 1 && (
          <Grid item xs={12} md={3}>
            <TextField
              select
              label="Cluster"
              id={`${id}-cluster`}
              value={cluster}
              onChange={e => setCluster(e.target.value as string)}
              variant="outlined"
              size="small"
              fullWidth
              InputLabelProps={{ shrink: true }}
              SelectProps={{ displayEmpty: true }}
            >
              <MenuItem value={ALL_CLUSTERS}>All clusters</MenuItem>
              {clusters.map(c => (
                <MenuItem key={c} value={c}>
                  {c}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
        )}
        <Grid item xs={12} md={6}>
          <TextField
            label="Headers"
            id={`${id}-headers`}
            placeholder="x-canary: true"
            value={headersText}
            onChange={e => setHeadersText(e.target.value)}
            variant="outlined"
            size="small"
            fullWidth
            multiline
            minRows={2}
            error={Boolean(headers.error)}
            helperText={headers.error ?? 'One per line, name: value'}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <TextField
            label="Caller pod labels"
            id={`${id}-labels`}
            placeholder="version=blue"
            value={labelsText}
            onChange={e => setLabelsText(e.target.value)}
            variant="outlined"
            size="small"
            fullWidth
            error={Boolean(sourceLabels.error)}
            helperText={
              sourceLabels.error ??
              'For in-mesh callers: key=value, comma-separated'
            }
          />
        </Grid>
        <Grid item xs={12} md={2}>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={busy}
          >
            Explain
          </Button>
        </Grid>
      </Grid>
    </form>
  );
}
