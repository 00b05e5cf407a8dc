import { SignInPage } from '@backstage/core-components';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { oidcAuthApiRef } from './oidcAuthApi';

/** The only way in: the OpenID Connect provider, whose users are the catalog's (no guest). */
export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props =>
      (
        <SignInPage
          {...props}
          providers={[
            {
              id: 'oidc',
              title: 'Sign in',
              message: 'With your account at the OpenID Connect provider',
              apiRef: oidcAuthApiRef,
            },
          ]}
        />
      ),
  },
});
