#include "cname.h"

#include <string.h>

#include "log.h"

enum status
cname_explain_conflict(const char *fqdn, const char *target, struct err *e)
{
	char shown[300];

	log_escape(shown, sizeof(shown), target, strlen(target));
	return err_set(e, ST_CONFLICT,
	    "%s is a CNAME to %s, and a TXT record cannot exist at a name that has a CNAME, "
	    "so the DNS-01 record was not created and nothing was changed. "
	    "Managed certificate services leave such a CNAME behind, for example Alibaba Cloud ESA's Managed DCV "
	    "(targets under dcv.aliyun-esa.com) or Cloudflare's delegated DCV. "
	    "To fix it, turn off the managed service's DCV for this name and delete the CNAME, "
	    "or create the TXT record at the CNAME's target if you control that zone.",
	    fqdn, shown);
}
