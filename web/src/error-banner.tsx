export interface ErrorBannerProps {
  title: string;
  message: string;
  testId: string;
  onDismiss?: () => void;
}

export function ErrorBanner({ title, message, testId, onDismiss }: ErrorBannerProps) {
  return (
    <div class="error-banner" role="alert" data-testid={testId}>
      <div class="error-banner__text">
        <strong>{title}</strong> <span data-testid={`${testId}-message`}>{message}</span>
      </div>
      {onDismiss && (
        <button type="button" class="button button--quiet" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
