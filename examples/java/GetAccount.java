// Get Account with libmimecast: the counterpart of Mimecast's Java sample for
// POST /api/account/get-account.
//
// The sample builds the request by hand, and gets the date wrong: it formats x-mc-date with
// new SimpleDateFormat("EEE, d MMM yyyy HH:mm:ss z"), which uses the machine's time zone
// ("CET", not "UTC") and an unpadded day of month ("Tue, 1 Dec ..."), while Mimecast's recipe
// is UTC with a two-digit day ("Tue, 01 Dec 2015 12:50:11 UTC"); on any machine not set to UTC,
// or on the 1st to the 9th of a month, the signature is refused. It also needs Apache Commons
// Codec for base64. Here the library signs (UTC date, fresh request id, path-only signature,
// standard padded base64), sends the JSON body, retries, and checks the response's fail array.
//
// Credentials come from the environment, as in the sample's "set up variables":
//   MIMECAST_BASE_URL    e.g. https://eu-api.mimecast.com or a region name (eu, us, de, ...)
//   MIMECAST_APP_ID, MIMECAST_APP_KEY, MIMECAST_ACCESS_KEY, MIMECAST_SECRET_KEY
//   (or MIMECAST_CLIENT_ID + MIMECAST_CLIENT_SECRET for API 2.0).
//
// Run it with Maven (pom.xml here) or directly, as a single source file:
//   java -cp mimecast-0.1.0.jar:jna-5.13.0.jar examples/java/GetAccount.java
import io.github.libmimecast.Account;
import io.github.libmimecast.MimecastClient;
import io.github.libmimecast.MimecastClientOptions;
import io.github.libmimecast.MimecastException;
import io.github.libmimecast.MimecastInvalidArgumentException;
import java.time.Duration;

public final class GetAccount {
    private GetAccount() {
    }

    public static void main(String[] args) {
        MimecastClientOptions options = MimecastClientOptions.builder()
                .timeout(Duration.ofSeconds(30))
                .build();
        Account account;
        try (MimecastClient client = MimecastClient.fromEnvironment(options)) {
            account = client.getAccount();
        } catch (MimecastInvalidArgumentException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (MimecastException e) {
            System.err.println("Get Account failed: " + e.getMessage());
            System.exit(1);
            return;
        }

        // Print the account, as the sample prints the response (but not the passphrase: it is
        // the secret Mimecast Support uses to verify callers).
        System.out.println("accountCode:           " + account.accountCode());
        System.out.println("accountName:           " + account.accountName());
        System.out.println("adminEmail:            " + account.adminEmail());
        System.out.println("archive:               " + account.archive());
        System.out.println("automatedSegmentPurge: " + account.automatedSegmentPurge());
        System.out.println("databaseCode:          " + account.databaseCode());
        System.out.println("domain:                " + account.domain());
        System.out.println("gateway:               " + account.gateway());
        System.out.println("mailPlatform:          " + account.mailPlatform());
        System.out.println("maxRetention:          " + account.maxRetention());
        System.out.println("maxRetentionConfirmed: " + account.maxRetentionConfirmed());
        System.out.println("mimecastId:            " + account.mimecastId());
        System.out.println("packages:              " + String.join(", ", account.packages()));
        System.out.println("policyInheritance:     " + account.policyInheritance());
        System.out.println("region:                " + account.region());
        System.out.println("supportCode:           " + account.supportCode());
        System.out.println("type:                  " + account.type());
        System.out.println("userCount:             " + account.userCount());
        System.out.println();
        System.out.println(account.accountName() + " (" + account.accountCode() + "), "
                + account.userCount() + " users");
    }
}
