import { Content, Header, Page } from '@backstage/core-components';
import { wording } from '../Cutovers';
import { CutoverApprovalsContent } from './CutoverApprovalsContent';

/** The approvals page for the legacy frontend system, with its own header. */
export function BlueGreenPage() {
  return (
    <Page themeId="tool">
      <Header
        title={wording.LABELS.approvalsPage}
        subtitle={wording.LABELS.approvalsPageSubtitle}
      />
      <Content>
        <CutoverApprovalsContent />
      </Content>
    </Page>
  );
}
