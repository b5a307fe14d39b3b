package web

import (
	"net/http"
	"time"

	"pulse/internal/i18n"
	"pulse/internal/model"
)

// appRow is one app in the list, with its creation time written in the
// app's own time zone: the list has no single app whose zone would do.
type appRow struct {
	model.App
	Created string
}

// appsPage is the data of the apps page.
type appsPage struct {
	Rows       []appRow
	Currencies []string
	Timezones  []string
}

// suggestedCurrencies and suggestedTimezones fill the form's datalists. They
// are only suggestions: any ISO 4217 code and IANA zone is accepted.
var (
	suggestedCurrencies = []string{
		"USD", "EUR", "GBP", "RUB", "KZT", "UAH", "BYN", "TRY", "CNY", "JPY",
		"INR", "BRL", "CAD", "AUD", "CHF", "PLN", "SEK", "AED", "ILS", "GEL", "AMD",
	}
	suggestedTimezones = []string{
		"UTC",
		"Europe/London", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris", "Europe/Warsaw",
		"Europe/Kyiv", "Europe/Minsk", "Europe/Istanbul", "Europe/Moscow", "Europe/Samara",
		"Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk",
		"Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
		"Asia/Tbilisi", "Asia/Yerevan", "Asia/Baku", "Asia/Almaty", "Asia/Tashkent", "Asia/Dubai",
		"Asia/Kolkata", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo",
		"Australia/Sydney", "Pacific/Auckland",
		"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
		"America/Toronto", "America/Mexico_City", "America/Sao_Paulo", "America/Buenos_Aires",
		"Africa/Cairo", "Africa/Lagos", "Africa/Johannesburg",
	}
)

// appList shows the account's apps and a form to create another.
func (h *Web) appList(w http.ResponseWriter, r *http.Request, v *view) error {
	h.showApps(w, http.StatusOK, v)
	return nil
}

// appCreate makes an app and goes on to connecting it, which is what a new
// app needs first. The form's fields are named as on the registration form,
// whose reading of them it shares.
func (h *Web) appCreate(w http.ResponseWriter, r *http.Request, v *view) error {
	app, err := h.apps.Create(r.Context(), v.Account.ID, optionalApp(v))
	if v.fieldErrors(err, map[string]string{"name": "app_name"}) {
		v.Alert = v.T("apps.form_invalid")
		h.showApps(w, http.StatusUnprocessableEntity, v)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/apps/"+app.ID+"/connect", http.StatusSeeOther)
	return nil
}

func (h *Web) showApps(w http.ResponseWriter, status int, v *view) {
	rows := make([]appRow, len(v.Apps))
	for i, a := range v.Apps {
		loc, err := time.LoadLocation(a.Timezone)
		if err != nil {
			loc = time.UTC
		}
		rows[i] = appRow{App: a, Created: i18n.DateTime(v.Lang, a.CreatedAt, loc)}
	}
	v.Nav = "apps"
	v.Data = appsPage{Rows: rows, Currencies: suggestedCurrencies, Timezones: suggestedTimezones}
	h.render(w, status, "apps", v)
}
