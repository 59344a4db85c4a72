// Get Account with libmimecast: the counterpart of Mimecast's C# sample for /api/account/get-account.
// Instead of hand-building the HMAC "MC" Authorization header, the x-mc-date / x-mc-req-id / x-mc-app-id headers
// and the {"data": []} body, the library does it (UTC date, fresh GUID, path-only signing, real JSON).
//
// Credentials come from the environment, as in the sample's "Setup required variables":
//   MIMECAST_BASE_URL    e.g. https://eu-api.mimecast.com or a region name (eu, us, de, ...)
//   MIMECAST_APP_ID, MIMECAST_APP_KEY, MIMECAST_ACCESS_KEY, MIMECAST_SECRET_KEY
// (or MIMECAST_CLIENT_ID + MIMECAST_CLIENT_SECRET for API 2.0).
using System;
using Mimecast;

namespace GetAccountExample
{
    internal static class Program
    {
        private static int Main()
        {
            try
            {
                using var client = MimecastClient.FromEnvironment(new MimecastClientOptions { Timeout = TimeSpan.FromSeconds(30) });
                Account account = client.GetAccount();

                // Output the response, as the sample does (the passphrase is a support secret: not printed).
                Console.WriteLine("accountCode:           " + account.AccountCode);
                Console.WriteLine("accountName:           " + account.AccountName);
                Console.WriteLine("adminEmail:            " + account.AdminEmail);
                Console.WriteLine("archive:               " + account.Archive);
                Console.WriteLine("automatedSegmentPurge: " + account.AutomatedSegmentPurge);
                Console.WriteLine("databaseCode:          " + account.DatabaseCode);
                Console.WriteLine("domain:                " + account.Domain);
                Console.WriteLine("gateway:               " + account.Gateway);
                Console.WriteLine("mailPlatform:          " + account.MailPlatform);
                Console.WriteLine("maxRetention:          " + account.MaxRetention);
                Console.WriteLine("maxRetentionConfirmed: " + account.MaxRetentionConfirmed);
                Console.WriteLine("mimecastId:            " + account.MimecastId);
                Console.WriteLine("packages:              " + string.Join(", ", account.Packages));
                Console.WriteLine("policyInheritance:     " + account.PolicyInheritance);
                Console.WriteLine("region:                " + account.Region);
                Console.WriteLine("supportCode:           " + account.SupportCode);
                Console.WriteLine("type:                  " + account.Type);
                Console.WriteLine("userCount:             " + account.UserCount);
                return 0;
            }
            catch (MimecastBindingExpiredException e)
            {
                Console.Error.WriteLine("The access key / secret key binding expired: create new keys. (" + e.Message + ")");
            }
            catch (MimecastAuthenticationException e)
            {
                Console.Error.WriteLine($"Not authorized (HTTP {e.HttpStatus}, {e.ErrorCode}): {e.Message}");
            }
            catch (MimecastRateLimitedException e)
            {
                Console.Error.WriteLine($"Rate limited: retry after {e.RetryAfter}. {e.Message}");
            }
            catch (MimecastException e)
            {
                Console.Error.WriteLine($"{e.Status}: {e.Message}");
            }
            return 1;
        }
    }
}
