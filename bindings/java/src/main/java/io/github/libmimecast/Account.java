package io.github.libmimecast;

import io.github.libmimecast.internal.NativeMethods.NativeAccount;
import io.github.libmimecast.internal.Utf8;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A Mimecast account, as returned by Get Account ({@code /api/account/get-account}).
 *
 * <p>The values are the ones libmimecast read from the response (the C {@code mc_account}), so
 * every language binding sees the same account: text is null when Mimecast left the field out, a
 * number ({@code maxRetention}, {@code userCount}) is null when absent or null, a flag is false
 * when absent. A number that is not a whole number from 0 to 2^63-1 ({@code 30.0} counts as 30)
 * fails the call with {@link MimecastMalformedResponseException} naming the field, in every
 * language.
 *
 * <p>{@link #toString()} leaves out the {@code passphrase} (a secret Mimecast Support uses to
 * verify callers) and {@code json}/{@code rawJson}, which contain it.
 *
 * @param accountCode the unique Mimecast account code ({@code accountCode})
 * @param accountName the account name ({@code accountName})
 * @param adminEmail the first administrator created on the account ({@code adminEmail})
 * @param archive whether archiving is enabled ({@code archive})
 * @param automatedSegmentPurge whether purging of expired storage segments is enabled
 *     ({@code automatedSegmentPurge})
 * @param databaseCode the database code ({@code databaseCode})
 * @param domain the temporary domain Mimecast generated for the account ({@code domain}); not
 *     for mail routing
 * @param gateway whether gateway features are enabled ({@code gateway})
 * @param mailPlatform the mail platform ({@code mailPlatform})
 * @param maxRetention the maximum retention in days ({@code maxRetention}), or null
 * @param maxRetentionConfirmed whether the maximum retention was confirmed
 *     ({@code maxRetentionConfirmed})
 * @param mimecastId the unique Mimecast id of the account ({@code mimecastId})
 * @param packages the packages enabled on the account ({@code packages}); empty when absent
 * @param passphrase the passphrase Mimecast Support uses to verify callers ({@code passphrase});
 *     sensitive
 * @param policyInheritance whether policy inheritance is enabled ({@code policyInheritance})
 * @param region where the account is hosted ({@code region})
 * @param supportCode the support code ({@code supportCode})
 * @param type the type of account ({@code type})
 * @param userCount the number of user licences ({@code userCount}), or null
 * @param json the account object ({@code data[0]}) exactly as the server sent it, as JSON text
 * @param rawJson the whole response body as received
 */
public record Account(
        String accountCode,
        String accountName,
        String adminEmail,
        boolean archive,
        boolean automatedSegmentPurge,
        String databaseCode,
        String domain,
        boolean gateway,
        String mailPlatform,
        Long maxRetention,
        boolean maxRetentionConfirmed,
        String mimecastId,
        List<String> packages,
        String passphrase,
        boolean policyInheritance,
        String region,
        String supportCode,
        String type,
        Long userCount,
        String json,
        String rawJson) {

    /**
     * An account with these values (the client makes them from the library's; tests and
     * fixtures may too). {@code packages} is copied into an unmodifiable list.
     *
     * @param accountCode see {@link #accountCode()}
     * @param accountName see {@link #accountName()}
     * @param adminEmail see {@link #adminEmail()}
     * @param archive see {@link #archive()}
     * @param automatedSegmentPurge see {@link #automatedSegmentPurge()}
     * @param databaseCode see {@link #databaseCode()}
     * @param domain see {@link #domain()}
     * @param gateway see {@link #gateway()}
     * @param mailPlatform see {@link #mailPlatform()}
     * @param maxRetention see {@link #maxRetention()}
     * @param maxRetentionConfirmed see {@link #maxRetentionConfirmed()}
     * @param mimecastId see {@link #mimecastId()}
     * @param packages see {@link #packages()}
     * @param passphrase see {@link #passphrase()}
     * @param policyInheritance see {@link #policyInheritance()}
     * @param region see {@link #region()}
     * @param supportCode see {@link #supportCode()}
     * @param type see {@link #type()}
     * @param userCount see {@link #userCount()}
     * @param json see {@link #json()}
     * @param rawJson see {@link #rawJson()}
     */
    public Account {
        packages = packages == null ? List.of() : List.copyOf(packages);
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(rawJson, "rawJson");
    }

    /** The account libmimecast filled in: its values, converted only from C's conventions. */
    static Account fromNative(NativeAccount a) {
        long count = a.packagesLen.longValue();
        List<String> packages = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            Pointer p = a.packages.getPointer(i * Native.POINTER_SIZE);
            String text = Utf8.fromNative(p);
            packages.add(text == null ? "" : text);
        }
        return new Account(
                Utf8.fromNative(a.accountCode),
                Utf8.fromNative(a.accountName),
                Utf8.fromNative(a.adminEmail),
                a.archive != 0,
                a.automatedSegmentPurge != 0,
                Utf8.fromNative(a.databaseCode),
                Utf8.fromNative(a.domain),
                a.gateway != 0,
                Utf8.fromNative(a.mailPlatform),
                a.maxRetention == -1 ? null : a.maxRetention,
                a.maxRetentionConfirmed != 0,
                Utf8.fromNative(a.mimecastId),
                Collections.unmodifiableList(packages),
                Utf8.fromNative(a.passphrase),
                a.policyInheritance != 0,
                Utf8.fromNative(a.region),
                Utf8.fromNative(a.supportCode),
                Utf8.fromNative(a.accountType),
                a.userCount == -1 ? null : a.userCount,
                Objects.requireNonNullElse(Utf8.fromNative(a.json), "{}"),
                Objects.requireNonNullElse(Utf8.fromNative(a.rawJson), ""));
    }

    /** Every field but {@code passphrase}, {@code json} and {@code rawJson}. */
    @Override
    public String toString() {
        return "Account[accountCode=" + accountCode + ", accountName=" + accountName
                + ", adminEmail=" + adminEmail + ", archive=" + archive
                + ", automatedSegmentPurge=" + automatedSegmentPurge
                + ", databaseCode=" + databaseCode + ", domain=" + domain
                + ", gateway=" + gateway + ", mailPlatform=" + mailPlatform
                + ", maxRetention=" + maxRetention
                + ", maxRetentionConfirmed=" + maxRetentionConfirmed
                + ", mimecastId=" + mimecastId + ", packages=" + packages
                + ", policyInheritance=" + policyInheritance + ", region=" + region
                + ", supportCode=" + supportCode + ", type=" + type
                + ", userCount=" + userCount + "]";
    }
}
