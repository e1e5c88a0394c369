/*  summary - a report section in the JSON shape of DOMAIN.md section 5,
    with disclosure control applied.  */
#ifndef OPSTAP_REPORTING_SUMMARY_H
#define OPSTAP_REPORTING_SUMMARY_H

#include "section.h"

//  Packs section as one SECTION map for threshold k (sorts its paid-job
//  days for the median).
void summary_pack (msgpack_packer *pk, rs_section_t *section, int64_t k);

#endif
