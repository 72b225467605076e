import { ApiError } from '../../common/errors/protocol-error.js';

export const installErrors = {
  notFound: (id: string) => new ApiError(404, 'install_not_found', 'There is no install with this id.', { detail: `install ${id}` }),

  deleted: (id: string) => new ApiError(410, 'install_deleted', 'This install was deleted.', { detail: `install ${id}` }),

  profileWithdrawn: (id: string, profileId: string) =>
    new ApiError(410, 'profile_withdrawn', "This install's app profile is no longer offered.", { detail: `install ${id} profile ${profileId}` }),

  /** RFC 6750 section 3 style challenge with our own scheme. */
  deviceUnauthorized: (detail: string) =>
    new ApiError(401, 'invalid_device_token', "The request must carry a fresh DeviceJWT signed by the install's current device key.", {
      detail,
      headers: { 'WWW-Authenticate': 'DeviceJWT realm="installs", error="invalid_token"' },
    }),
};
