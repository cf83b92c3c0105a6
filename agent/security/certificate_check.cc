// tls.cert_expiry: each configured certificate file's first certificate, its notAfter as
// vigil_tls_cert_not_after_timestamp_seconds{path,subject}, and a finding when it expires within
// warn_within (high within 3 days, critical once expired).

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>

#include "agent/security/check_modules.h"
#include "common/metric_builder.h"
#include "common/time_format.h"

namespace vigil::agent {
namespace {

struct Certificate {
  std::string subject;
  std::int64_t not_after = 0;  // unix seconds
};

Result<Certificate> ReadCertificate(const std::string& pem, const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
  if (!cert) return MakeError(ErrorCode::kParseFailed, path + " holds no PEM certificate");
  Certificate out;
  std::unique_ptr<BIO, decltype(&BIO_free)> name(BIO_new(BIO_s_mem()), &BIO_free);
  X509_NAME_print_ex(name.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(name.get(), &data);
  out.subject.assign(data, static_cast<std::size_t>(size));
  std::tm when{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &when) != 1) {
    return MakeError(ErrorCode::kParseFailed, path + ": unreadable notAfter");
  }
  out.not_after = static_cast<std::int64_t>(timegm(&when));
  return out;
}

class CertificateCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"tls.cert_expiry"}; }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    if (enabled.count("tls.cert_expiry") == 0) return {};
    CheckResult result{"tls.cert_expiry", std::nullopt, {}};
    const auto& settings = context.config().CheckFor(result.check);
    auto expiry = MakeFamily("vigil_tls_cert_not_after_timestamp_seconds",
                             "When a watched certificate expires (notAfter), in unix seconds.",
                             wire::METRIC_TYPE_GAUGE);
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(context.clock().Now().time_since_epoch())
            .count();
    const std::int64_t warn =
        std::chrono::duration_cast<std::chrono::seconds>(settings.warn_within).count();
    std::string errors;
    for (const std::string& path : settings.files) {
      Result<std::string> pem = context.Read(path);
      Result<Certificate> cert =
          pem ? ReadCertificate(*pem, path) : Result<Certificate>(pem.error());
      if (!cert) {
        errors += (errors.empty() ? "" : "; ") + cert.error().message;
        continue;
      }
      AddSeries(expiry, static_cast<double>(cert->not_after),
                {{"path", path}, {"subject", cert->subject}});
      const std::int64_t left = cert->not_after - now;
      if (left > warn) continue;
      const std::string severity = left <= 0 ? "critical"
                                   : left <= 3 * 86400
                                       ? "high"
                                       : SeverityFor(context, result.check, "medium");
      const std::string when = FormatRfc3339(cert->not_after * 1000);
      result.findings.push_back(
          {result.check, severity,
           left <= 0
               ? "Certificate " + path + " has expired"
               : "Certificate " + path + " expires in " + std::to_string(left / 86400) + " days",
           path + ": " + cert->subject + ", notAfter " + when,
           "Renew the certificate and reload the service that uses it.", path});
    }
    context.families().push_back(std::move(expiry));
    if (!errors.empty()) result.error = Error{ErrorCode::kReadFailed, errors};
    return {result};
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeCertificateCheck() { return std::make_unique<CertificateCheck>(); }

}  // namespace vigil::agent
