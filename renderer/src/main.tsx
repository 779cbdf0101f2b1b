import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, Root } from './App';
import { I18nProvider } from './i18n';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <I18nProvider>
      <Root>
        <App />
      </Root>
    </I18nProvider>
  </StrictMode>,
);
