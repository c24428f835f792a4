// Phase icons: the SVGs under resources/icons (compiled into tether_ui), or
// the same shapes painted in code where Qt's SVG image plugin is missing, so
// a row never loses its icon.
#pragma once

#include "sync/syncstatus.h"

#include <QColor>
#include <QIcon>

namespace tether::ui {

QColor phaseColor(sync::Phase phase);
QIcon phaseIcon(sync::Phase phase);
// The application icon with a small badge in the colour of `phase` (tray).
QIcon badgedAppIcon(sync::Phase phase);

} // namespace tether::ui
