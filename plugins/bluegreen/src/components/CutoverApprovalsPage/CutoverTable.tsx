import { Link, Progress } from '@backstage/core-components';
import { Cutover } from '@bluegreen-istio/plugin-bluegreen-common';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { ApiErrorAlert, Decision, wording } from '../Cutovers';
import { CutoverPage } from './useCutoverPage';

const { LABELS, STATUS_LABELS, TAB_PATH, DECISION_BUTTONS } = wording;

const useStyles = makeStyles(theme => ({
  pager: {
    display: 'flex',
    justifyContent: 'flex-end',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  decisions: {
    display: 'flex',
    gap: theme.spacing(1),
    whiteSpace: 'nowrap',
  },
}));

/** A page of cutovers: entity (linked to its tab), action, requester, age, status, owner. */
export function CutoverTable(props: {
  label: string;
  page: CutoverPage;
  /** The rows to show (the page's, maybe filtered). */
  rows?: Cutover[];
  owners: Map<string, string>;
  empty: string;
  onDecide?: (cutover: Cutover, decision: Decision) => void;
  filters?: ReactNode;
}) {
  const { label, page, owners, empty, onDecide, filters } = props;
  const rows = props.rows ?? page.items;
  const classes = useStyles();
  const entityLink = useEntityRefLink();
  return (
    <section aria-label={label}>
      <Typography variant="h6" component="h2" gutterBottom>
        {label}
      </Typography>
      {filters}
      {page.error && <ApiErrorAlert error={page.error} />}
      {!rows && !page.error && <Progress />}
      {rows && rows.length === 0 && (
        <Typography variant="body2">{empty}</Typography>
      )}
      {rows && rows.length > 0 && (
        <Table size="small" aria-label={label}>
          <TableHead>
            <TableRow>
              <TableCell>{LABELS.entity}</TableCell>
              <TableCell>{LABELS.action}</TableCell>
              <TableCell>{LABELS.requester}</TableCell>
              <TableCell>{LABELS.age}</TableCell>
              <TableCell>{LABELS.status}</TableCell>
              <TableCell>{LABELS.owner}</TableCell>
              {onDecide && <TableCell />}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(cutover => (
              <TableRow key={cutover.id}>
                <TableCell>
                  <Link to={`${entityLink(cutover.entityRef)}/${TAB_PATH}`}>
                    {wording.entityName(cutover.entityRef)}
                  </Link>
                </TableCell>
                <TableCell>
                  {wording.actionLabel(cutover.action)}
                  <Typography
                    variant="caption"
                    component="p"
                    color="textSecondary"
                  >
                    {cutover.reason}
                  </Typography>
                </TableCell>
                <TableCell>{wording.actorName(cutover.requestedBy)}</TableCell>
                <TableCell>
                  <time
                    dateTime={cutover.createdAt}
                    title={new Date(cutover.createdAt).toLocaleString()}
                  >
                    {wording.relativeTime(cutover.createdAt)}
                  </time>
                </TableCell>
                <TableCell>{STATUS_LABELS[cutover.status]}</TableCell>
                <TableCell>
                  {owners.get(cutover.entityRef)
                    ? wording.entityName(owners.get(cutover.entityRef)!)
                    : ''}
                </TableCell>
                {onDecide && (
                  <TableCell>
                    <div className={classes.decisions}>
                      {(['approve', 'reject'] as const).map(decision => (
                        <Button
                          key={decision}
                          size="small"
                          variant={
                            decision === 'approve' ? 'contained' : 'outlined'
                          }
                          color={
                            decision === 'approve' ? 'primary' : 'secondary'
                          }
                          aria-label={`${
                            DECISION_BUTTONS[decision]
                          } ${wording.actionLabel(
                            cutover.action,
                          )} of ${wording.entityName(cutover.entityRef)}`}
                          onClick={() => onDecide(cutover, decision)}
                        >
                          {DECISION_BUTTONS[decision]}
                        </Button>
                      ))}
                    </div>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {(page.hasNewer || page.hasOlder) && (
        <div className={classes.pager}>
          <Typography variant="caption">
            {wording.pageLabel(page.page)}
          </Typography>
          <Button size="small" disabled={!page.hasNewer} onClick={page.newer}>
            {LABELS.newer}
          </Button>
          <Button size="small" disabled={!page.hasOlder} onClick={page.older}>
            {LABELS.older}
          </Button>
        </div>
      )}
    </section>
  );
}
