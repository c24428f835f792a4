// MainWindow: the top-level window. For now: menus, an empty central area and
// a status bar; the dashboard and grid editor plug in here.
#pragma once

#include <QMainWindow>

namespace tether::ui {

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

private:
    void showAbout();
};

} // namespace tether::ui
