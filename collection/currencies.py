"""The ISO 4217 currency codes costmonitor accepts in any AWS answer (List One, plus codes withdrawn since 2023)."""

# ISO 4217 List One (active codes), as published by SIX, the maintenance agency:
# https://www.six-group.com/en/products-services/financial-information/data-standards.html#scrollTo=currency-codes
# XTS (reserved for testing) and XXX (no currency) are left out: neither is an amount anyone can add up. The codes
# withdrawn recently (ANG, BGN, CUC, HRK, SLL, ZWL) stay, so history stored in them still reads. No runtime dependency
# ships this list (babel and pycountry do); the set changes a few times a decade.
_LIST_ONE = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
    CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE
    SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED
    VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL
    """
ISO_4217 = frozenset(_LIST_ONE.split())
