// Keeping your own HTTP code, as Mimecast's Java sample does: the library only signs.
//
// The sample's date, request id and HMAC lines become one call, client.sign(path), which uses
// UTC and a two-digit day as Mimecast's recipe requires (the sample's SimpleDateFormat uses the
// machine's time zone and an unpadded day). The request itself is sent with the JDK's
// java.net.http client instead of HttpURLConnection. Same environment variables as GetAccount
// (API 1.0 only: API 2.0 requests are not signed).
import io.github.libmimecast.MimecastClient;
import io.github.libmimecast.MimecastException;
import io.github.libmimecast.SignedHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public final class SignOnly {
    private SignOnly() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String uri = "/api/account/get-account";
        // A full URL here (not a region name): this program sends the request itself.
        String baseUrl = System.getenv("MIMECAST_BASE_URL");
        if (baseUrl == null || !baseUrl.startsWith("http")) {
            System.err.println("configuration error: set MIMECAST_BASE_URL to https://<host>");
            System.exit(2);
        }
        SignedHeaders headers;
        try (MimecastClient client = MimecastClient.fromEnvironment()) {
            headers = client.sign(uri);
        } catch (MimecastException e) {
            System.err.println("cannot sign: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("signed: " + headers); // the Authorization value is redacted

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + uri))
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":[]}"));
        headers.toMap().forEach(request::header); // Authorization, x-mc-*, Content-Type, Accept
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("HTTP " + response.statusCode());
        // The response as received, but not the passphrase (a support secret).
        System.out.println(response.body()
                .replaceAll("(\"passphrase\"\\s*:\\s*)\"[^\"]*\"", "$1\"********\""));
        System.exit(response.statusCode() == 200 ? 0 : 1);
    }
}
