import { Alert } from 'antd';
import type { ApiError } from '../../../electron/api';
import { useI18n } from '../i18n';

export function ErrorAlert({ error }: { error: ApiError | null }) {
  const { td } = useI18n();
  if (!error) return null;
  return <Alert type="error" showIcon role="alert" title={td('error', error.code)} description={error.message} style={{ marginBottom: 16 }} />;
}
