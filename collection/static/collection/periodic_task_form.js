// The crontab's plain-English reading under its field, as django-celery-beat's form shows it inline.
"use strict";
{
    const $ = django.jQuery;
    const readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
    const help = $(".field-crontab .help");
    const originalHelp = help.html();
    $(".field-crontab_translation").hide();
    $(".field-crontab").change(function () {
        const translation = $("<span>").text(readableCrontabs[$("#id_crontab").val()] || "");
        help.html(originalHelp).append("<br>", "Translation: ", translation);
    });
}
