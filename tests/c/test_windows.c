/*
 * tests/c/test_windows.c - what only Windows has: the DLL's version resource,
 * and TLS trust from the Windows certificate store (the library's default
 * when no CA bundle is given). On other systems these topics print that they
 * do not apply and count nothing.
 */
#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wincrypt.h>
#endif

#include "harness.h"

#ifdef _WIN32

/* The version resource of the loaded mimecast.dll says MIMECAST_VERSION. */
void test_windows_version_resource(void)
{
    HMODULE dll = GetModuleHandleA("mimecast.dll");
    CHECK(dll != NULL);
    if (dll == NULL)
        return;
    wchar_t path[MAX_PATH];
    DWORD n = GetModuleFileNameW(dll, path, MAX_PATH);
    CHECK(n > 0 && n < MAX_PATH);
    DWORD handle = 0;
    DWORD size = GetFileVersionInfoSizeW(path, &handle);
    CHECK(size > 0);
    if (size == 0)
        return;
    void *info = malloc(size);
    CHECK(info != NULL && GetFileVersionInfoW(path, 0, size, info));
    VS_FIXEDFILEINFO *fixed = NULL;
    UINT len = 0;
    CHECK(VerQueryValueW(info, L"\\", (void **)&fixed, &len) && fixed != NULL);
    if (fixed != NULL) {
        CHECK(HIWORD(fixed->dwFileVersionMS) == MIMECAST_VERSION_MAJOR);
        CHECK(LOWORD(fixed->dwFileVersionMS) == MIMECAST_VERSION_MINOR);
        CHECK(HIWORD(fixed->dwFileVersionLS) == MIMECAST_VERSION_PATCH);
    }
    static const char *const keys[] = {"FileVersion", "ProductVersion"};
    for (size_t i = 0; i < 2; i++) {
        char query[96];
        snprintf(query, sizeof query, "\\StringFileInfo\\040904B0\\%s", keys[i]);
        char *value = NULL;
        len = 0;
        CHECK(VerQueryValueA(info, query, (void **)&value, &len) && value != NULL);
        CHECK_STR(value, MIMECAST_VERSION);
    }
    char *name = NULL;
    CHECK(VerQueryValueA(info, "\\StringFileInfo\\040904B0\\OriginalFilename", (void **)&name,
                         &len));
    CHECK_STR(name, "mimecast.dll");
    free(info);
}

/* Reads the PEM file `path` as one DER certificate (malloc'd). */
static BYTE *pem_to_der(const char *path, DWORD *der_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char pem[16384];
    size_t n = fread(pem, 1, sizeof pem - 1, f);
    fclose(f);
    pem[n] = '\0';
    DWORD len = 0;
    if (!CryptStringToBinaryA(pem, 0, CRYPT_STRING_BASE64HEADER, NULL, &len, NULL, NULL))
        return NULL;
    BYTE *der = malloc(len);
    if (der && !CryptStringToBinaryA(pem, 0, CRYPT_STRING_BASE64HEADER, der, &len, NULL, NULL)) {
        free(der);
        return NULL;
    }
    *der_len = len;
    return der;
}

/* Deletes every copy of the certificate `der` from `store`; returns how many. */
static int remove_cert(HCERTSTORE store, const BYTE *der, DWORD der_len)
{
    PCCERT_CONTEXT wanted = CertCreateCertificateContext(X509_ASN_ENCODING, der, der_len);
    int removed = 0;
    if (wanted == NULL)
        return -1;
    PCCERT_CONTEXT found;
    while ((found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING,
                                               wanted, NULL)) != NULL) {
        if (!CertDeleteCertificateFromStore(found)) /* frees `found` either way */
            break;
        removed++;
    }
    CertFreeCertificateContext(wanted);
    return removed;
}

static mc_status tls_get_account_without_bundle(void)
{
    mc_options *o = opts_noretry(10000);
    mc_client *c = client1(g_tls_base, o);
    mc_status st = MC_STATUS_INTERNAL;
    if (c) {
        mc_account *a = SENT;
        st = mc_get_account(c, &a);
        if (st == MC_STATUS_OK)
            mc_account_free(a);
        else
            CHECK(a == SENT);
        mc_client_free(c);
    }
    mc_options_free(o);
    return st;
}

/*
 * Without a CA bundle the library trusts the current user's "ROOT" store.
 * The test CA is not in it: MC_STATUS_TLS with a message about the
 * certificate. Added to the store (as an administrator would with
 * certmgr.msc), the same call succeeds; removed again, it fails again.
 */
/* Adds (add=true) or removes every copy of the test CA in the current user's
   ROOT store, in its registry part: under Wine a removal through the logical
   store is not written back. (On a real Windows desktop, adding a root asks
   the user to confirm: this test is for Wine.) */
static bool update_root_store(const BYTE *der, DWORD der_len, bool add)
{
    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_REGISTRY_W, 0, 0,
                                     CERT_SYSTEM_STORE_CURRENT_USER, L"ROOT");
    if (store == NULL)
        return false;
    bool ok = add ? CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, der_len,
                                                     CERT_STORE_ADD_REPLACE_EXISTING, NULL) != FALSE
                  : remove_cert(store, der, der_len) >= 0;
    return CertCloseStore(store, 0) && ok;
}

void test_windows_cert_store(void)
{
    if (!g_tls_base || !g_ca)
        return;
    DWORD der_len = 0;
    BYTE *der = pem_to_der(g_ca, &der_len);
    CHECK(der != NULL);
    if (der == NULL)
        return;
    /* A run that was interrupted may have left the test CA behind. */
    CHECK(update_root_store(der, der_len, false));

    EXPECT(tls_get_account_without_bundle(), MC_STATUS_TLS);
    const char *msg = mc_last_error_message();
    CHECK(strstr(msg, "certificate") != NULL || strstr(msg, "Certificate") != NULL);
    printf("untrusted certificate: %s\n", msg);

    CHECK(update_root_store(der, der_len, true));
    EXPECT(tls_get_account_without_bundle(), MC_STATUS_OK);
    CHECK(update_root_store(der, der_len, false));
    EXPECT(tls_get_account_without_bundle(), MC_STATUS_TLS);
    free(der);
}

#else

/* Nothing to check on this system (main.c prints "not applicable here"). */
void test_windows_version_resource(void)
{
}

void test_windows_cert_store(void)
{
}

#endif
