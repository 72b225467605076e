/** What a person is told when a client can't be resolved; the exact failed check is in the log. */
const MESSAGES: Record<string, string> = {
  invalid_client_id: 'The application identifier is not a valid client identifier.',
  unknown_client: 'This application is not registered with this server.',
  document_gone: 'This application’s registration no longer exists.',
  blocked: 'This application has been blocked by the server operator.',
  fetch_failed: 'This application’s registration could not be loaded. Try again later.',
  invalid_document: 'This application’s registration is not valid.',
  untrusted: 'This server does not accept applications from this address.',
  jwks_unavailable: 'This application’s keys could not be loaded. Try again later.',
};

export function clientProblemMessage(reason: string): string {
  return MESSAGES[reason] ?? 'This application’s registration could not be verified.';
}
