import CMS from 'decap-cms-app';
import { federationDay } from '../lib/federation-day';
import { DATE_WIDGET } from './fields';

interface NowControl {
  getNow(): string;
}

/**
 * Registers DATE_WIDGET, the widget of the site's date fields: Decap's
 * `datetime` (date only), whose "Now" button and `{{now}}` default give today
 * in Europe/London, the federation's day. Decap's own "Now" uses UTC
 * (`picker_utc`) or the browser's zone, so at 00:30 BST it saved yesterday,
 * and a browser elsewhere saved its own day. Call before `CMS.init`.
 */
export function registerDateWidget(): void {
  const datetime = CMS.getWidget('datetime') as
    { control: unknown; preview?: unknown; schema?: unknown } | undefined;
  if (!datetime) throw new Error('Decap’s datetime widget is missing: the date fields need it.');
  // Decap types a widget's control as props, not as the class it is.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
  const Base = datetime.control as new (props: unknown) => NowControl;
  class FederationDateControl extends Base {
    // The stored format and the date input both read YYYY-MM-DD.
    getNow(): string {
      return federationDay(new Date());
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- Decap's CmsWidgetParam omits `schema`
  CMS.registerWidget({
    name: DATE_WIDGET,
    controlComponent: FederationDateControl,
    previewComponent: datetime.preview,
    schema: datetime.schema,
  } as unknown as Parameters<typeof CMS.registerWidget>[0]);
}
