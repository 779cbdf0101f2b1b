import { Result } from 'antd';
import { useI18n } from '../i18n';

/** The honest state of a screen whose engine is not in this build: no placeholder data. */
export function NotAvailable({ feature }: { feature: string }) {
  const { t } = useI18n();
  return <Result status="info" title={t('common.notAvailable')} subTitle={t('common.notAvailableDetail', { feature })} data-testid="not-available" />;
}
